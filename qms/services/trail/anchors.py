"""Anchors: the trail's newest event, written down outside the database.

The hash chain shows any edit, removal or reordering of events before the newest one,
but not the newest events themselves being removed: a trail cut back to an earlier event
is still a valid chain. An anchor (event number and hash, and when it was taken) kept
elsewhere (a file on another machine, a printed line in the management review) closes
that gap: every anchor must still name an event of the trail with exactly that hash.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import Text, ValidationError
from qms.models import TrailEvent
from qms.services.trail import chain as trail
from qms.services.trail.chain import TrailCheck, TrailProblem

_HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    taken_at: datetime

    def line(self) -> str:
        """One JSON line, the form anchors are kept in."""
        taken = self.taken_at.astimezone(UTC).isoformat(timespec="seconds")
        return json.dumps({"seq": self.seq, "hash": self.hash, "taken_at": taken})


def take(session: Session) -> Anchor:
    """The anchor of the trail as it stands now (its newest event)."""
    newest = session.exec(select(TrailEvent).order_by(col(TrailEvent.seq).desc()).limit(1)).first()
    if newest is None:
        raise ValidationError("the trail is empty: there is nothing to anchor yet")
    return Anchor(newest.seq, newest.hash, utcnow())


def of_check(check: TrailCheck) -> Anchor | None:
    """The anchor of the newest event a chain check walked (None for an empty trail): an
    event committed after the check began is not vouched for by it."""
    if check.newest is None:
        return None
    seq, digest = check.newest
    return Anchor(seq, digest, utcnow())


def parse(text: str, *, source: str | Text) -> list[Anchor]:
    """Anchors from JSON lines (blank lines and ``#`` comments are skipped); a bad line is
    refused with its number."""
    anchors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        anchor = _anchor_of(line)
        if anchor is None:
            raise ValidationError(
                "{source}, line {line}: not an anchor (a JSON object with seq, hash and "
                "taken_at, as written by qms trail anchor)",
                source=source,
                line=number,
            )
        anchors.append(anchor)
    if not anchors:
        raise ValidationError("{source} holds no anchors", source=source)
    return anchors


def _anchor_of(line: str) -> Anchor | None:
    try:
        data = json.loads(line)
        seq, digest = data["seq"], data["hash"]
        taken_at = datetime.fromisoformat(data["taken_at"])
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(seq, int) or seq < 1 or not isinstance(digest, str):
        return None
    if not _HASH.match(digest) or taken_at.tzinfo is None:
        return None
    return Anchor(seq, digest, taken_at)


def check(session: Session, anchors: list[Anchor]) -> list[TrailProblem]:
    """What the anchors show: events cut from the end of the trail, or rewritten."""
    wanted = {anchor.seq for anchor in anchors}
    found = {
        event.seq: event.hash
        for event in session.exec(select(TrailEvent).where(col(TrailEvent.seq).in_(wanted)))
    }
    problems = []
    for anchor in sorted(anchors, key=lambda a: a.seq):
        taken = anchor.taken_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        stored = found.get(anchor.seq)
        if stored is None:
            problems.append(
                TrailProblem(
                    anchor.seq,
                    Text(
                        "event {seq}, anchored on {taken}, is gone: the trail was cut back",
                        seq=anchor.seq,
                        taken=taken,
                    ),
                )
            )
        elif stored != anchor.hash:
            problems.append(
                TrailProblem(
                    anchor.seq,
                    Text(
                        "event {seq} differs from its anchor of {taken}: the trail was "
                        "rewritten from there",
                        seq=anchor.seq,
                        taken=taken,
                    ),
                )
            )
    return problems


def verify_with(session: Session, anchors: list[Anchor]) -> TrailCheck:
    """The chain check, and then what the anchors show (cut or rewritten events)."""
    result = trail.verify(session)
    result.problems.extend(check(session, anchors))
    return result
