"""Two coordinators acting at the same moment, through two separate connections."""

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy.engine import Engine

from qms.db import make_engine, read_session
from qms.errors import QMSError
from qms.services.documents import revisions
from qms.services.trail import chain as trail
from tests.helpers import act, effective_document, revise, statuses
from tests.seed import PASSWORD
from tests.services.audit_helpers import START, effective_procedures, plan_tp


def race(db_url: str, calls: list[Callable[[Engine], Any]]) -> list[Any]:
    """Run each call on its own engine (own connection) in its own thread, released together."""
    engines = [make_engine(db_url) for _ in calls]
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index](engines[index])
        except QMSError as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    return results


def approved_issue_two(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)


def test_two_coordinators_publishing_at_once_make_one_effective_issue(
    engine: Engine, db_url: str
) -> None:
    approved_issue_two(engine)
    calls = [
        partial(act, func=revisions.publish, actor=who, code="QT-01") for who in ("thu", "nam")
    ]
    results = race(db_url, list(calls))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert "no issue approved" in str(errors[0])
    assert statuses(engine) == {1: "superseded", 2: "effective"}
    with read_session(engine) as session:
        publishes = [e for e in trail.iter_all(session) if e.action == "revision.publish"]
        assert [e.entity_id for e in publishes] == ["QT-01/1", "QT-01/2"]
        assert trail.verify(session).ok


def test_concurrent_writers_keep_one_unbroken_chain(engine: Engine, db_url: str) -> None:
    """Trail writers on different documents serialise: no fork, no gap."""
    from tests.helpers import new_draft

    codes = ["QT-11", "QT-12", "QT-13", "QT-14"]
    results = race(db_url, [partial(new_draft, code=c) for c in codes])
    assert results == [None] * len(codes)
    with read_session(engine) as session:
        check = trail.verify(session)
        assert check.ok, check.problems
        drafted = {e.entity_id for e in trail.iter_all(session) if e.action == "revision.draft"}
        assert drafted == {f"{c}/1" for c in codes}


def test_two_planners_at_once_get_distinct_audit_numbers(engine: Engine, db_url: str) -> None:
    effective_procedures(engine)
    results = race(db_url, [partial(plan_tp, actor=who) for who in ("thu", "nam")])
    year = START.year
    assert sorted(results) == [f"IA-{year}-01", f"IA-{year}-02"], results
    with read_session(engine) as session:
        planned = [e.entity_id for e in trail.iter_all(session) if e.action == "audit.plan"]
        assert sorted(planned) == [f"IA-{year}-01", f"IA-{year}-02"]
        assert trail.verify(session).ok
