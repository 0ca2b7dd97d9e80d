"""The audit trail: written with every change, append-only, and any edit is found."""

import json

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from qms.db import read_session
from qms.services.trail import chain as trail
from tests.helpers import drop_guards, effective_document, revise


def check(engine: Engine) -> trail.TrailCheck:
    with read_session(engine) as session:
        return trail.verify(session)


def test_every_step_is_on_the_trail_with_old_and_new_values(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    with read_session(engine) as session:
        events = trail.events(session, entity="revision", entity_id="QT-01/1")
        actions = [e.action for e in events]
        assert actions == [
            "revision.draft",
            "signature.drafted",
            "revision.submit",
            "signature.reviewed",
            "revision.review_accepted",
            "signature.approved",
            "revision.approve",
            "revision.publish",
            "revision.render",
        ]
        publish = json.loads(events[-2].payload)
        assert publish["old"] == {"status": "approved"}
        assert publish["new"]["status"] == "effective"
        assert [e.actor for e in events[:3]] == ["thu", "thu", "thu"]
        edit = trail.events(session, entity_id="QT-01/2")[0]
        assert json.loads(edit.payload)["reason"] == "Kết quả đánh giá nội bộ"
    assert check(engine).ok


def test_trail_refuses_update_and_delete(engine: Engine) -> None:
    effective_document(engine)
    for statement in ("UPDATE trail_event SET actor = 'x'", "DELETE FROM trail_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert check(engine).ok


def test_verify_names_the_altered_event(engine: Engine) -> None:
    effective_document(engine)
    total = check(engine).events
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE trail_event SET actor = 'mallory' WHERE seq = 20"))
    result = check(engine)
    assert result.events == total
    assert result.problems[0].seq == 20
    assert "was altered" in result.problems[0].message


def test_verify_names_a_rehashed_edit_at_the_next_link(engine: Engine) -> None:
    """Recomputing the edited row's own hash does not help: the next event no longer links."""
    effective_document(engine)
    drop_guards(engine)
    with read_session(engine) as session:
        event = next(e for e in trail.iter_all(session) if e.seq == 20)
        event.actor = "mallory"
        forged = trail.event_hash(event)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE trail_event SET actor = 'mallory', hash = :h WHERE seq = 20"),
            {"h": forged},
        )
    problems = check(engine).problems
    assert [p.seq for p in problems] == [21]
    assert "does not link" in problems[0].message


def test_verify_names_a_deleted_event(engine: Engine) -> None:
    effective_document(engine)
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM trail_event WHERE seq = 17"))
    first = check(engine).problems[0]
    assert first.seq == 17
    assert "event 17 missing" in first.message


def test_a_failed_operation_leaves_no_trail_event(engine: Engine) -> None:
    from qms.errors import PermissionDenied
    from qms.services.documents import revisions
    from tests.helpers import act, new_draft
    from tests.seed import PASSWORD

    new_draft(engine)
    before = check(engine).events
    with pytest.raises(PermissionDenied):  # a wrong signing password is recorded (on purpose)
        act(engine, revisions.submit, "nam", code="QT-01", password=PASSWORD)
    assert check(engine).events == before
