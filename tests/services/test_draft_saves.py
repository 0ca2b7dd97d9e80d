"""A draft save carries the content hash of the text it was made to: a save on a text
that has changed since is refused, so no save silently undoes another."""

from functools import partial

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict
from qms.models import Revision
from qms.services.documents import revisions
from qms.services.trail import chain as trail
from tests.helpers import act, body, effective_document, get, new_draft, refused
from tests.services.test_concurrency import race

SAVES = 20


def _hash(engine: Engine, issue: int = 1) -> str:
    with read_session(engine) as session:
        return get(session, "QT-01", issue)[1].content_hash


def _edits(engine: Engine) -> int:
    with read_session(engine) as session:
        return sum(1 for e in trail.iter_all(session) if e.action == "revision.edit")


def test_of_twenty_concurrent_saves_on_one_text_exactly_one_succeeds(
    engine: Engine, db_url: str
) -> None:
    new_draft(engine)
    started_from = _hash(engine)
    saves = [
        partial(act, func=revisions.revise, actor="thu", code="QT-01", body=body(n),
                based_on=started_from)
        for n in range(2, SAVES + 2)  # body(1) is the draft's text: saving it changes nothing
    ]  # fmt: skip
    results = race(db_url, saves)

    saved = [n for n, r in enumerate(results, start=2) if isinstance(r, Revision)]
    refusals = [r for r in results if isinstance(r, Conflict)]
    assert len(saved) == 1, results
    assert len(refusals) == SAVES - 1, results
    assert all("has changed since you started editing it" in str(r) for r in refusals)
    with read_session(engine) as session:
        assert get(session, "QT-01", 1)[1].body == body(saved[0])
        assert trail.verify(session).ok
    assert _edits(engine) == 1


def test_a_save_on_a_text_that_changed_since_changes_nothing(engine: Engine) -> None:
    new_draft(engine)
    started_from = _hash(engine)
    act(engine, revisions.revise, "thu", code="QT-01", body=body(2), based_on=started_from)
    refused(
        engine, Conflict, revisions.revise, "thu", "QT-01 issue 1 has changed since",
        code="QT-01", body=body(3), based_on=started_from,
    )  # fmt: skip
    # Sent twice (a double click): the second save finds its own text saved, and is no
    # conflict; a save without a hash is not checked.
    act(engine, revisions.revise, "thu", code="QT-01", body=body(2), based_on=started_from)
    act(engine, revisions.revise, "thu", code="QT-01", body=body(4))
    with read_session(engine) as session:
        assert get(session, "QT-01", 1)[1].body == body(4)
    assert _edits(engine) == 2


def test_the_next_issue_is_based_on_the_effective_issue(engine: Engine) -> None:
    effective_document(engine)
    effective = _hash(engine)
    act(engine, revisions.revise, "thu", code="QT-01", body=body(2), based_on=effective,
        reason="Đánh giá nội bộ")  # fmt: skip
    # Someone else, who opened the editor on the effective text too, is refused: the
    # next issue's draft exists now.
    refused(
        engine, Conflict, revisions.revise, "thu", "QT-01 issue 2 has changed since",
        code="QT-01", body=body(3), based_on=effective,
    )  # fmt: skip
    assert _hash(engine, 2) != effective
