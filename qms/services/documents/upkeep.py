"""What a document controller keeps up besides revisions: periodic reviews and external
documents' currency checks falling due, and approved issues waiting for their effective
date (the scheduled publications)."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from qms.domain import RevisionStatus, Role
from qms.errors import Text
from qms.models import Document, Revision, User
from qms.services.documents.register import DueItem, review_due
from qms.services.people import organisation, users


@dataclass(frozen=True)
class Scheduled:
    code: str
    title: str
    issue: int
    effective_on: date | None  # None: approved without a date (published by hand)
    due: bool  # the date has come: the next publishing run makes it effective


@dataclass(frozen=True)
class Upkeep:
    today: date
    within_days: int
    due: list[DueItem]
    scheduled: list[Scheduled]
    may_record: bool  # the viewer may record a periodic review


def upkeep(session: Session, *, viewer: User, within_days: int = 30) -> Upkeep:
    """Reviews due within ``within_days`` (overdue first) and the scheduled publications,
    for a controller or an admin."""
    users.require_role(
        session, viewer, Role.CONTROLLER, Role.ADMIN, action=Text("see the periodic reviews")
    )
    today = organisation.today(session)
    rows = session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(Revision.status == RevisionStatus.APPROVED.value)
    ).all()
    scheduled = [
        Scheduled(
            doc.code,
            doc.title,
            rev.issue,
            rev.planned_effective_date,
            rev.planned_effective_date is not None and rev.planned_effective_date <= today,
        )
        for doc, rev in rows
    ]
    scheduled.sort(key=lambda s: (s.effective_on or date.max, s.code))
    return Upkeep(
        today=today,
        within_days=within_days,
        due=review_due(session, within_days=within_days),
        scheduled=scheduled,
        may_record=Role.CONTROLLER in users.roles_of(session, viewer),
    )
