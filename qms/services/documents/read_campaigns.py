"""Read campaigns: when an issue takes effect, everyone on its document's distribution
acknowledges it within a number of working days (Monday to Friday), an organisation
setting taken from its own procedure. Coordinators see who has read and who has not,
department by department, and remind those who have not."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from qms.domain import RevisionStatus, Role
from qms.errors import NotFound, Text, ValidationError
from qms.models import Acknowledgement, Department, Document, Revision, User, pk
from qms.services.documents import distribution
from qms.services.documents import register as documents
from qms.services.notices import audience
from qms.services.notices import kinds as notices
from qms.services.people import organisation, users
from qms.services.trail import chain as trail

DUE_SETTING = "acknowledgement.due_working_days"
DEFAULT_DUE_WORKING_DAYS = 10


@dataclass(frozen=True)
class Reader:
    username: str
    full_name: str
    department: str  # its code, "" for none
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class ReadCampaign:
    code: str
    title: str
    issue: int
    effective_on: date
    due_on: date
    today: date
    readers: list[Reader]

    @property
    def unread(self) -> list[Reader]:
        return [r for r in self.readers if r.acknowledged_at is None]

    @property
    def overdue(self) -> bool:
        return bool(self.unread) and self.today > self.due_on

    def by_department(self) -> dict[str, list[Reader]]:
        grouped: dict[str, list[Reader]] = {}
        for reader in self.readers:
            grouped.setdefault(reader.department, []).append(reader)
        return grouped


def due_working_days(session: Session) -> int:
    value = organisation.get_setting(session, DUE_SETTING) or str(DEFAULT_DUE_WORKING_DAYS)
    if not value.isdigit() or not 1 <= int(value) <= 250:
        raise ValidationError(
            "the setting {key} must be a whole number of working days from 1 to 250, not {value!r}",
            key=DUE_SETTING,
            value=value,
        )
    return int(value)


def add_working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@lru_cache(maxsize=64)
def overdue_before(today: date, days: int) -> date:
    """The first effective date whose acknowledgements are not yet overdue ``today``: an
    issue that took effect before it should have been read by now."""
    day = today
    while add_working_days(day - timedelta(days=1), days) >= today:
        day -= timedelta(days=1)
    return day


def effective_on(rev: Revision) -> date:
    if rev.planned_effective_date is not None:
        return rev.planned_effective_date
    assert rev.effective_at is not None
    return rev.effective_at.date()


def read_campaign(session: Session, *, viewer: User, code: str) -> ReadCampaign:
    """Who must read the document's effective issue, and who has (controllers)."""
    users.require_role(session, viewer, Role.CONTROLLER, action=Text("follow read campaigns"))
    doc, rev = _effective(session, code)
    return _campaign(session, doc, rev)


@dataclass(frozen=True)
class ReadersView:
    """A coordinator's page of a document: its distribution and, once it has an effective
    issue, who has read it."""

    code: str
    title: str
    lines: list[distribution.DistributionLine]
    campaign: ReadCampaign | None


def readers_view(session: Session, *, viewer: User, code: str) -> ReadersView:
    users.require_role(session, viewer, Role.CONTROLLER, action=Text("follow read campaigns"))
    doc = documents.get_document(session, code)
    rev = documents.effective_revision(session, doc)
    return ReadersView(
        doc.code,
        doc.title,
        distribution.distribution_of(session, code=doc.code),
        _campaign(session, doc, rev) if rev is not None else None,
    )


def remind_unread(session: Session, *, actor: User, code: str) -> ReadCampaign:
    """Give each reader who has not yet read the effective issue a reminder (a notice, and
    mail to those who want it), at most once a day each; on the trail."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("remind readers"))
    doc, rev = _effective(session, code)
    campaign = _campaign(session, doc, rev)
    reminded = notices.read_reminder(
        session,
        doc=doc,
        rev=rev,
        to=_unread(session, doc, rev),
        due_on=campaign.due_on,
        period=campaign.today.isoformat(),
    )
    trail.record(
        session,
        actor=actor.username,
        action="revision.remind_readers",
        entity="revision",
        entity_id=f"{doc.code}/{rev.issue}",
        payload={"new": {"reminded": sorted(reminded)}},
    )
    session.commit()
    return campaign


def took_effect_before(day: date) -> ColumnElement[bool]:
    """A condition on ``Revision``: it took effect before ``day`` (:func:`effective_on`
    in SQL)."""
    planned = col(Revision.planned_effective_date)
    return or_(
        and_(planned.is_not(None), planned < day),
        and_(
            planned.is_(None),
            col(Revision.effective_at) < datetime.combine(day, time(), tzinfo=UTC),
        ),
    )


def remind_overdue(session: Session, *, period: str) -> int:
    """Remind the readers of every issue whose time to read it has passed (once per
    ``period`` each), in the caller's transaction; the number of such issues."""
    days = due_working_days(session)
    late = session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(Revision.status == RevisionStatus.EFFECTIVE.value)
        .where(took_effect_before(overdue_before(organisation.today(session), days)))
        .order_by(col(Document.code))
    ).all()
    count = 0
    for doc, rev in late:
        unread = _unread(session, doc, rev)
        if not unread:
            continue
        count += 1
        notices.read_reminder(
            session,
            doc=doc,
            rev=rev,
            to=unread,
            due_on=add_working_days(effective_on(rev), days),
            period=period,
        )
    return count


def _unread(session: Session, doc: Document, rev: Revision) -> list[User]:
    """The issue's readers who have not acknowledged it."""
    acknowledged = set(
        session.exec(
            select(Acknowledgement.user_id).where(Acknowledgement.revision_id == rev.id)
        ).all()
    )
    return [user for user in audience.readers_of(session, doc, rev) if user.id not in acknowledged]


def _effective(session: Session, code: str) -> tuple[Document, Revision]:
    doc = documents.get_document(session, code)
    rev = documents.effective_revision(session, doc)
    if rev is None:
        raise NotFound("{code} has no effective issue to read", code=doc.code)
    return doc, rev


def _campaign(session: Session, doc: Document, rev: Revision) -> ReadCampaign:
    acknowledged = dict(
        session.exec(
            select(Acknowledgement.user_id, Acknowledgement.acknowledged_at).where(
                Acknowledgement.revision_id == rev.id
            )
        ).all()
    )
    people = {pk(u): u for u in audience.readers_of(session, doc, rev)}
    if acknowledged:
        for user in session.exec(select(User).where(col(User.id).in_(acknowledged))).all():
            people.setdefault(pk(user), user)
    codes = dict(session.exec(select(Department.id, Department.code)).all())
    readers = sorted(
        (
            Reader(
                user.username,
                user.full_name,
                codes.get(user.department_id, "") if user.department_id else "",
                acknowledged.get(uid),
            )
            for uid, user in people.items()
        ),
        key=lambda r: (r.department, r.username),
    )
    start = effective_on(rev)
    return ReadCampaign(
        doc.code,
        doc.title,
        rev.issue,
        start,
        add_working_days(start, due_working_days(session)),
        organisation.today(session),
        readers,
    )
