"""The coordinator's free texts for one year, kept as a draft until the papers are
issued: difficulties and proposals of the yearly report; legal bases, recipients, the
activities covered beyond the one-stop-desk procedures, the place and the head who signs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from qms.clock import utcnow
from qms.domain import Role
from qms.errors import Text, ValidationError
from qms.models import User, YearlyDraft, pk
from qms.services.fields import one_line
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.text import clean

TEXTS = ("difficulties", "proposals", "legal_bases", "recipients", "activities")
LINES = ("place", "signer")
# The one-line fields' names in a refusal, in the reader's language.
LINE_WORDS = {"place": Text("place of issue"), "signer": Text("signer")}
MAX_TEXT = 20_000
FIRST_YEAR = 2000


@dataclass(frozen=True)
class DraftView:
    year: int
    difficulties: str = ""
    proposals: str = ""
    legal_bases: str = ""
    recipients: str = ""
    activities: str = ""
    place: str = ""
    signer: str = ""

    def lines(self, name: str) -> tuple[str, ...]:
        """A multi-line field as its non-empty lines."""
        return tuple(line.strip() for line in getattr(self, name).splitlines() if line.strip())


def check_year(session: Session, year: int) -> int:
    """A year that has begun: no papers for a year still to come."""
    today = organisation.today(session)
    if year > today.year:
        raise ValidationError("{year} has not begun yet", year=year).about("year")
    if year < FIRST_YEAR:
        raise ValidationError("{year} is not a year qms can report on", year=year).about("year")
    return year


def require_coordinator(session: Session, actor: User, action: Text) -> None:
    users.require_role(session, actor, Role.CONTROLLER, action=action)


def draft_of(session: Session, year: int) -> DraftView:
    row = session.get(YearlyDraft, year)
    if row is None:
        return DraftView(year=year)
    return DraftView(year=year, **{name: getattr(row, name) for name in TEXTS + LINES})


def save_draft(session: Session, *, actor: User, year: int, texts: dict[str, str]) -> DraftView:
    """Change the fields named in ``texts`` (the others stay); on the trail with the old
    and new values."""
    require_coordinator(session, actor, Text("write the yearly report"))
    check_year(session, year)
    unknown = sorted(set(texts) - set(TEXTS + LINES))
    if unknown:
        raise ValidationError("unknown field {name}", name=unknown[0])
    cleaned: dict[str, str] = {}
    for name, value in texts.items():
        if name in LINES:
            cleaned[name] = one_line(value, field=LINE_WORDS[name])
            if len(cleaned[name]) > 200:
                raise ValidationError("{field} is longer than 200 characters", field=name).about(
                    name
                )
        else:
            cleaned[name] = "\n".join(line.rstrip() for line in clean(value).splitlines())
            if len(cleaned[name]) > MAX_TEXT:
                raise ValidationError(
                    "{field} is longer than {limit} characters", field=name, limit=MAX_TEXT
                ).about(name)
    row = session.get(YearlyDraft, year)
    if row is None:
        row = YearlyDraft(year=year, updated_by_id=pk(actor), updated_at=utcnow())
    old = {name: getattr(row, name) or "" for name in cleaned}
    changed = {name: value for name, value in cleaned.items() if old[name] != value}
    if changed:
        for name, value in changed.items():
            setattr(row, name, value)
        row.updated_by_id = pk(actor)
        row.updated_at = utcnow()
        session.add(row)
        trail.record(
            session,
            actor=actor.username,
            action="yearly.draft",
            entity="yearly_report",
            entity_id=year,
            payload={"old": {k: old[k] for k in changed}, "new": changed},
        )
        session.commit()
    return draft_of(session, year)
