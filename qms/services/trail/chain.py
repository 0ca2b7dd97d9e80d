"""The append-only, hash-chained audit trail.

Each event's ``hash`` is SHA-256 over the canonical JSON of its fields and the previous
event's hash, so editing, deleting or reordering any row breaks the chain from there on.
Events are written in the caller's transaction: the change and its trail entry commit
or fail together.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import Text
from qms.models import TrailEvent

GENESIS = "0" * 64
# Serialises trail writers on PostgreSQL (SQLite writers already hold the database lock);
# the register tally's trigger (migration 0024_register) takes it too.
WRITERS_LOCK_KEY = 0x514D5331


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in the trail")


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )


def event_hash(event: TrailEvent) -> str:
    fields = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical(fields).encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    payload: dict[str, Any],
) -> TrailEvent:
    """Append one event; the caller commits it together with the change it describes."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_LOCK_KEY})
    last = session.exec(select(TrailEvent).order_by(col(TrailEvent.seq).desc()).limit(1)).first()
    event = TrailEvent(
        seq=(last.seq + 1) if last else 1,
        at=utcnow(),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        payload=canonical(payload),
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class TrailProblem:
    seq: int
    text: Text

    @property
    def message(self) -> str:
        return str(self.text)


@dataclass
class TrailCheck:
    """Result of recomputing the chain; ``problems[0]`` is the first broken link."""

    events: int = 0
    problems: list[TrailProblem] = field(default_factory=list)
    newest: tuple[int, str] | None = None  # (seq, hash) of the last event checked

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session) -> TrailCheck:
    """Recompute every hash and link, in order, without loading the whole trail at once."""
    check = TrailCheck()
    expected_seq = 1
    prev_hash = GENESIS
    rows = session.exec(
        select(TrailEvent).order_by(col(TrailEvent.seq)).execution_options(yield_per=1000)
    )
    for event in rows:
        check.events += 1
        what = f"{event.action} {event.entity} {event.entity_id}"
        if event.seq != expected_seq:
            missing = (
                Text(
                    "event {seq} missing: the chain jumps to event {next}",
                    seq=expected_seq,
                    next=event.seq,
                )
                if event.seq == expected_seq + 1
                else Text(
                    "events {first}-{last} missing: the chain jumps to event {next}",
                    first=expected_seq,
                    last=event.seq - 1,
                    next=event.seq,
                )
            )
            check.problems.append(TrailProblem(expected_seq, missing))
        elif event.prev_hash != prev_hash:
            check.problems.append(
                TrailProblem(
                    event.seq,
                    Text(
                        "event {seq} ({what}) does not link to the event before it",
                        seq=event.seq,
                        what=what,
                    ),
                )
            )
        if event_hash(event) != event.hash:
            check.problems.append(
                TrailProblem(
                    event.seq,
                    Text(
                        "event {seq} ({what}) was altered: its content no longer matches its hash",
                        seq=event.seq,
                        what=what,
                    ),
                )
            )
        expected_seq = event.seq + 1
        prev_hash = event.hash
        check.newest = (event.seq, event.hash)
    return check


def events(
    session: Session,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    limit: int | None = None,
) -> list[TrailEvent]:
    """Events newest last, optionally filtered."""
    query = select(TrailEvent).order_by(col(TrailEvent.seq))
    if entity:
        query = query.where(TrailEvent.entity == entity)
    if entity_id:
        query = query.where(TrailEvent.entity_id == entity_id)
    if actor:
        query = query.where(TrailEvent.actor == actor)
    if limit:
        query = query.order_by(None).order_by(col(TrailEvent.seq).desc()).limit(limit)
        return list(reversed(session.exec(query).all()))
    return list(session.exec(query).all())


def iter_all(session: Session) -> Iterator[TrailEvent]:
    yield from session.exec(
        select(TrailEvent).order_by(col(TrailEvent.seq)).execution_options(yield_per=1000)
    )
