"""Reminders, each given once per item and period: actions due soon (once per due date)
and overdue (once a week while they are), verifications due, documents due for their
periodic review or, for external ones, their currency check (once per due date), and
risks whose review or action is overdue, and issues not yet acknowledged by their
readers after the time to read them (both once a week while they are)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from qms.domain import CapaStatus, DocType
from qms.models import CapaAction, CorrectiveActionRequest
from qms.services.documents import read_campaigns
from qms.services.documents import register as documents
from qms.services.notices import kinds
from qms.services.people import users
from qms.services.risks import views as risks

ACTION_DAYS_AHEAD = 3
VERIFICATION_DAYS_AHEAD = 3
REVIEW_DAYS_AHEAD = 30


@dataclass(frozen=True)
class Reminded:
    actions: int = 0
    verifications: int = 0
    reviews: int = 0
    risks: int = 0  # risk reviews and risk actions overdue
    reads: int = 0  # issues whose readers are late to acknowledge them


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def remind(session: Session, *, today: date) -> Reminded:
    """Give what is due today, in the caller's transaction (committed by the caller)."""
    return Reminded(
        actions=_actions(session, today),
        verifications=_verifications(session, today),
        reviews=_reviews(session, today),
        risks=_risks(session, today),
        reads=read_campaigns.remind_overdue(session, period=week_of(today)),
    )


def _actions(session: Session, today: date) -> int:
    rows = session.exec(
        select(CapaAction, CorrectiveActionRequest)
        .join(CorrectiveActionRequest, col(CorrectiveActionRequest.id) == CapaAction.capa_id)
        .where(CapaAction.status == "open")
        .where(col(CapaAction.due_date) <= today + timedelta(days=ACTION_DAYS_AHEAD))
        .where(col(CorrectiveActionRequest.status) != CapaStatus.CLOSED.value)
        .order_by(
            col(CorrectiveActionRequest.year),
            col(CorrectiveActionRequest.number),
            col(CapaAction.number),
        )
    ).all()
    for action, car in rows:
        overdue = action.due_date < today
        period = week_of(today) if overdue else action.due_date.isoformat()
        kinds.action_due(session, car=car, action=action, overdue=overdue, period=period)
    return len(rows)


def _verifications(session: Session, today: date) -> int:
    cars = session.exec(
        select(CorrectiveActionRequest)
        .where(CorrectiveActionRequest.status == CapaStatus.ACTIONS_DONE.value)
        .where(
            col(CorrectiveActionRequest.verification_due)
            <= today + timedelta(days=VERIFICATION_DAYS_AHEAD)
        )
        .order_by(col(CorrectiveActionRequest.year), col(CorrectiveActionRequest.number))
    ).all()
    for car in cars:
        owners = set(
            session.exec(select(CapaAction.owner_id).where(CapaAction.capa_id == car.id)).all()
        )
        due = car.verification_due
        period = week_of(today) if due is not None and due < today else str(due)
        kinds.verification_due(session, car=car, owners=owners, period=period)
    return len(cars)


def _reviews(session: Session, today: date) -> int:
    due = documents.review_due(session, within_days=REVIEW_DAYS_AHEAD)
    for item in due:
        kinds.periodic_review_due(
            session,
            doc=item.document,
            due_on=item.due_on,
            external=item.document.doc_type == DocType.EXTERNAL,
            period=item.due_on.isoformat(),
        )
    return len(due)


def _risks(session: Session, today: date) -> int:
    """Reviews of open risks and their actions past their date: once a week while they are."""
    found = risks.overdue(session, today=today)
    for item in found:
        if item.what == "review":
            kinds.risk_review_due(session, item=item, period=week_of(today))
        else:
            owner = users.get_user(session, item.owner)
            kinds.risk_action_overdue(session, item=item, owner=owner, period=week_of(today))
    return len(found)
