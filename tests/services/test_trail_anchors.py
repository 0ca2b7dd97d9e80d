"""Anchors kept outside the database find what the chain alone cannot: events cut from
the end of the trail, and a trail rewritten and re-chained from some event on."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import ValidationError
from qms.models import TrailEvent
from qms.services.trail import anchors as trail_anchors
from qms.services.trail import chain as trail
from tests.helpers import drop_guards, effective_document, revise
from tests.services.test_trail import check


def anchor_now(engine: Engine) -> trail_anchors.Anchor:
    with read_session(engine) as session:
        return trail_anchors.take(session)


def anchor_problems(engine: Engine, anchors: list[trail_anchors.Anchor]) -> list[str]:
    with read_session(engine) as session:
        return [p.message for p in trail_anchors.check(session, anchors)]


def test_anchor_is_the_newest_event_as_one_json_line(engine: Engine) -> None:
    effective_document(engine)
    anchor = anchor_now(engine)
    with read_session(engine) as session:
        newest = list(trail.iter_all(session))[-1]
    assert (anchor.seq, anchor.hash) == (newest.seq, newest.hash)
    data = json.loads(anchor.line())
    taken = anchor.taken_at.astimezone(UTC).isoformat(timespec="seconds")
    assert data == {"seq": newest.seq, "hash": newest.hash, "taken_at": taken}
    assert trail_anchors.parse(anchor.line(), source="anchors.jsonl") == [
        trail_anchors.Anchor(anchor.seq, anchor.hash, anchor.taken_at.replace(microsecond=0))
    ]


def test_anchors_still_hold_as_the_trail_grows(engine: Engine) -> None:
    effective_document(engine)
    first = anchor_now(engine)
    revise(engine)
    second = anchor_now(engine)
    assert second.seq > first.seq
    assert anchor_problems(engine, [first, second]) == []


def test_events_cut_from_the_end_are_found_by_the_anchor_only(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    anchor = anchor_now(engine)
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM trail_event WHERE seq > :s"), {"s": anchor.seq - 3})
    assert check(engine).ok  # what is left is still a valid chain
    assert anchor_problems(engine, [anchor]) == [
        f"event {anchor.seq}, anchored on {anchor.taken_at:%Y-%m-%d %H:%M} UTC, is gone: "
        "the trail was cut back"
    ]


def test_a_rewritten_and_rechained_trail_is_found_by_the_anchor(engine: Engine) -> None:
    effective_document(engine)
    anchor = anchor_now(engine)
    drop_guards(engine)
    # Someone with full access edits an old event and recomputes every hash after it.
    with read_session(engine) as session:
        events = list(trail.iter_all(session))
    previous = events[3].prev_hash
    rewritten = []
    for event in events[3:]:
        forged = TrailEvent.model_validate(event.model_dump())
        if forged.seq == events[3].seq:
            forged.actor = "mallory"
        forged.prev_hash = previous
        forged.hash = trail.event_hash(forged)
        previous = forged.hash
        rewritten.append(forged)
    with engine.begin() as connection:
        for forged in rewritten:
            connection.execute(
                text("UPDATE trail_event SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                {"a": forged.actor, "p": forged.prev_hash, "h": forged.hash, "s": forged.seq},
            )
    assert check(engine).ok  # the chain alone is satisfied
    problems = anchor_problems(engine, [anchor])
    assert len(problems) == 1
    assert problems[0].startswith(f"event {anchor.seq} differs from its anchor of ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "anchors.jsonl holds no anchors"),
        ("# only a comment\n\n", "anchors.jsonl holds no anchors"),
        ('{"seq": 3}\n', "anchors.jsonl, line 1: not an anchor"),
        ("# kept by the ISO coordinator\nnot json\n", "anchors.jsonl, line 2: not an anchor"),
        (
            '{"seq": 0, "hash": "' + "a" * 64 + '", "taken_at": "2026-11-26T05:00:00+00:00"}',
            "line 1",
        ),
        ('{"seq": 2, "hash": "xyz", "taken_at": "2026-11-26T05:00:00+00:00"}', "line 1"),
        ('{"seq": 2, "hash": "' + "a" * 64 + '", "taken_at": "2026-11-26T05:00:00"}', "line 1"),
    ],
)
def test_bad_anchor_files_are_refused_with_the_line(content: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        trail_anchors.parse(content, source="anchors.jsonl")


def test_an_empty_trail_has_no_anchor(engine: Engine) -> None:
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM trail_event"))
    with read_session(engine) as session, pytest.raises(ValidationError, match="empty"):
        trail_anchors.take(session)


def test_anchor_times_are_kept_in_utc() -> None:
    anchor = trail_anchors.Anchor(5, "b" * 64, datetime(2026, 11, 26, 12, 30, tzinfo=UTC))
    assert json.loads(anchor.line())["taken_at"] == "2026-11-26T12:30:00+00:00"


def test_a_checks_anchor_is_the_last_event_it_verified(engine: Engine) -> None:
    effective_document(engine)
    with read_session(engine) as session:
        check = trail.verify(session)
        newest = list(trail.iter_all(session))[-1]
    revise(engine)  # events committed after the check began
    anchor = trail_anchors.of_check(check)
    assert anchor is not None
    assert (anchor.seq, anchor.hash) == (newest.seq, newest.hash)
    assert anchor_now(engine).seq > anchor.seq
    assert anchor_problems(engine, [anchor]) == []
    assert trail_anchors.of_check(trail.TrailCheck()) is None
