"""Publishing what is due while other runs do the same: every due issue takes effect
exactly once, whichever run takes it, on SQLite and on PostgreSQL."""

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import InvalidTransition
from qms.models import Revision
from qms.services.documents import publishing, revisions
from qms.services.trail import chain as trail
from tests.helpers import act, new_draft, revise, statuses
from tests.seed import PASSWORD
from tests.services.test_concurrency import race

CODES = [f"QT-{n}" for n in range(31, 37)]
RUNS = 4  # concurrent `publish --due` runs
SINGLES = CODES[::2]  # published one by one beside them
ROUNDS = 3


def approve_next_issue(engine: Engine, code: str, issue: int) -> None:
    """Issue ``issue`` of ``code`` approved, taking effect today."""
    if issue == 1:
        new_draft(engine, code, title=f"Quy trình {code}")
    else:
        revise(engine, code, n=issue)
    act(engine, revisions.submit, "thu", code=code, password=PASSWORD)
    act(engine, revisions.review, "hung", code=code, accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code=code, password=PASSWORD)


def caught(call: Callable[[Engine], Any], engine: Engine) -> Any:
    """The call's result, or whatever it raised (a database error included)."""
    try:
        return call(engine)
    except Exception as exc:
        return exc


def test_concurrent_runs_publish_every_due_issue_exactly_once(engine: Engine, db_url: str) -> None:
    for issue in range(1, ROUNDS + 1):
        for code in CODES:
            approve_next_issue(engine, code, issue)
        runs = [partial(caught, partial(act, func=publishing.publish_due, actor="thu"))] * RUNS
        singles = [
            partial(caught, partial(act, func=revisions.publish, actor="nam", code=code))
            for code in SINGLES
        ]
        results = race(db_url, [*runs, *singles])

        published: Counter[tuple[str, int]] = Counter()
        due = {(code, issue) for code in CODES}
        for run in results[:RUNS]:
            assert isinstance(run, publishing.DueRun), run
            assert run.failed == []
            assert {(i.code, i.issue) for i in run.published + run.skipped} <= due
            published.update((item.code, item.issue) for item in run.published)
        for code, single in zip(SINGLES, results[RUNS:], strict=True):
            if isinstance(single, InvalidTransition):  # a run was first
                assert "no issue approved" in str(single)
            else:
                assert isinstance(single, Revision), single
                published[(code, single.issue)] += 1
        assert published == Counter({(code, issue): 1 for code in CODES})

        for code in CODES:
            expected = dict.fromkeys(range(1, issue), "superseded") | {issue: "effective"}
            assert statuses(engine, code) == expected
        with read_session(engine) as session:
            publishes = Counter(
                e.entity_id for e in trail.iter_all(session) if e.action == "revision.publish"
            )
            assert publishes == Counter(
                {f"{code}/{n}": 1 for code in CODES for n in range(1, issue + 1)}
            )
            check = trail.verify(session)
            assert check.ok, check.problems
