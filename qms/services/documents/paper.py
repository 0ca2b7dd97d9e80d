"""Approvals and history on paper: what an imported issue brings from before the system.

The front matter of a Markdown source (and the tables of a Word file, read into the same
fields) may name who drafted, reviewed and approved the issue on paper, and the earlier
issues' revision-history lines::

    drafted_by: {name: Lê Thị Thu, position: Chuyên viên, date: 2025-03-01}
    reviewed_by: {name: Trần Văn Bình, position: Chánh Văn phòng, date: 2025-03-05}
    approved_by: {name: Nguyễn Văn An, position: Chủ tịch UBND quận, date: 2025-03-10}
    history:
      - {issue: 1, date: 2023-06-01, change: Ban hành lần đầu}

They are stored with the issue, recorded on the trail with the import, and printed in the
signature table as signed on paper, never as electronic signatures or as unsigned.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from qms.domain import Meaning
from qms.errors import Text, ValidationError
from qms.models import PaperHistoryLine, PaperSignature, Revision, pk
from qms.services.fields import one_line

SIGNER_FIELDS = {"drafted_by": "drafted", "reviewed_by": "reviewed", "approved_by": "approved"}
FIELDS = (*SIGNER_FIELDS, "history")
_SIGNER_KEYS = {"name", "position", "date"}
_HISTORY_KEYS = {"issue", "date", "change"}
MAX_HISTORY_LINES = 200


@dataclass(frozen=True)
class PaperSigner:
    meaning: str
    name: str
    position: str
    signed_on: date | None


@dataclass(frozen=True)
class PaperLine:
    issue: int
    issued_on: date | None
    change: str


@dataclass(frozen=True)
class PaperRecord:
    signers: tuple[PaperSigner, ...] = ()
    history: tuple[PaperLine, ...] = ()


def from_meta(meta: dict[str, Any], *, issue: int) -> PaperRecord:
    """The paper fields of a source's front matter, checked (ValidationError)."""
    signers = []
    for key, meaning in SIGNER_FIELDS.items():
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, dict) or not value.get("name"):
            raise ValidationError(
                "{field} must be a mapping with name, position and date", field=key
            )
        unknown = sorted(set(value) - _SIGNER_KEYS)
        if unknown:
            raise ValidationError("{field} has unknown field {name}", field=key, name=unknown[0])
        signers.append(
            PaperSigner(
                meaning,
                one_line(str(value["name"]), field=Text("name")),
                one_line(str(value.get("position") or ""), field=Text("position")),
                _date(value.get("date"), key),
            )
        )
    lines = meta.get("history") or []
    if not isinstance(lines, list) or len(lines) > MAX_HISTORY_LINES:
        raise ValidationError(
            "history must be a list of at most {limit} lines (issue, date, change)",
            limit=MAX_HISTORY_LINES,
        )
    history = []
    for line in lines:
        if not isinstance(line, dict) or set(line) - _HISTORY_KEYS:
            raise ValidationError("each history line must have issue, date and change")
        number = line.get("issue")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number < issue:
            raise ValidationError(
                "a history line's issue must be a whole number below {issue}, not {value}",
                issue=issue,
                value=repr(number),
            )
        history.append(
            PaperLine(
                number,
                _date(line.get("date"), "history"),
                one_line(str(line.get("change") or ""), field=Text("change")),
            )
        )
    return PaperRecord(tuple(signers), tuple(sorted(history, key=lambda h: h.issue)))


def _date(value: object, field: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, date):
        raise ValidationError("{field}: the date must be written YYYY-MM-DD", field=field)
    return value


def store(session: Session, rev: Revision, record: PaperRecord) -> None:
    """Keep ``record`` with the imported issue ``rev`` (flushed already); the caller commits."""
    for signer in record.signers:
        session.add(
            PaperSignature(
                revision_id=pk(rev),
                meaning=signer.meaning,
                printed_name=signer.name,
                position=signer.position,
                signed_on=signer.signed_on,
            )
        )
    for line in record.history:
        session.add(
            PaperHistoryLine(
                revision_id=pk(rev), issue=line.issue, issued_on=line.issued_on, change=line.change
            )
        )


def as_trail(record: PaperRecord) -> dict[str, Any]:
    """The record as the trail keeps it with the import."""
    return {
        "paper_signatures": [
            {"meaning": s.meaning, "name": s.name, "position": s.position, "date": s.signed_on}
            for s in record.signers
        ],
        "paper_history": [
            {"issue": h.issue, "date": h.issued_on, "change": h.change} for h in record.history
        ],
    }


def record_of(session: Session, rev: Revision) -> PaperRecord:
    """What was recorded on paper for ``rev`` (empty for an issue made here)."""
    if rev.id is None:
        return PaperRecord((), ())
    order = {m.value: n for n, m in enumerate(Meaning)}
    signatures = session.exec(
        select(PaperSignature).where(PaperSignature.revision_id == rev.id)
    ).all()
    lines = session.exec(
        select(PaperHistoryLine)
        .where(PaperHistoryLine.revision_id == rev.id)
        .order_by(col(PaperHistoryLine.issue))
    ).all()
    return PaperRecord(
        tuple(
            PaperSigner(s.meaning, s.printed_name, s.position, s.signed_on)
            for s in sorted(signatures, key=lambda s: order.get(s.meaning, 9))
        ),
        tuple(PaperLine(h.issue, h.issued_on, h.change) for h in lines),
    )
