"""One function per kind of notice, called by the service that takes the step, in its
transaction. Parameters are stored, not words: each reader gets them in their language."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import Session

from qms.domain import NoticeKind, Role
from qms.models import Audit, CapaAction, CorrectiveActionRequest, Document, Finding, Revision, User
from qms.services.notices import audience
from qms.services.notices.give import give

if TYPE_CHECKING:  # the risk views draw charts; a read command should not load them
    from qms.services.risks.views import Overdue


def _issue(doc: Document, rev: Revision) -> str:
    return f"{doc.code}/{rev.issue}"


def _about(doc: Document, rev: Revision) -> dict[str, object]:
    return {"code": doc.code, "issue": rev.issue, "title": doc.title}


def review_requested(session: Session, *, doc: Document, rev: Revision, by: User) -> None:
    give(
        session,
        to=audience.reviewers_of(session, rev),
        kind=NoticeKind.REVIEW_REQUESTED,
        subject=_issue(doc, rev),
        params={**_about(doc, rev), "by": by.full_name},
        skip=by,
    )


def approval_requested(session: Session, *, doc: Document, rev: Revision, by: User) -> None:
    give(
        session,
        to=audience.approvers_of(session, rev, reviewed_by=by.id or 0),
        kind=NoticeKind.APPROVAL_REQUESTED,
        subject=_issue(doc, rev),
        params={**_about(doc, rev), "by": by.full_name},
        skip=by,
    )


def returned(session: Session, *, doc: Document, rev: Revision, by: User, comment: str) -> None:
    give(
        session,
        to=audience.by_id(session, rev.drafted_by_id),
        kind=NoticeKind.RETURNED,
        subject=_issue(doc, rev),
        params={**_about(doc, rev), "by": by.full_name, "comment": comment},
        skip=by,
    )


def approved(
    session: Session, *, doc: Document, rev: Revision, by: User, effective: date, today: date
) -> None:
    """To its drafter: publish it now, or it takes effect on its date."""
    future = effective > today
    give(
        session,
        to=audience.by_id(session, rev.drafted_by_id),
        kind=NoticeKind.TAKES_EFFECT if future else NoticeKind.READY_TO_PUBLISH,
        subject=_issue(doc, rev),
        params={**_about(doc, rev), "by": by.full_name, "date": effective.isoformat()},
        skip=by,
    )


def new_issue_to_read(session: Session, *, doc: Document, rev: Revision) -> None:
    give(
        session,
        to=audience.readers_of(session, doc, rev),
        kind=NoticeKind.NEW_ISSUE_TO_READ,
        subject=_issue(doc, rev),
        params=_about(doc, rev),
    )


def read_reminder(
    session: Session,
    *,
    doc: Document,
    rev: Revision,
    to: list[User],
    due_on: date,
    period: str,
) -> list[str]:
    """To readers who have not yet acknowledged an issue; the usernames reminded."""
    given = give(
        session,
        to=to,
        kind=NoticeKind.READ_REMINDER,
        subject=_issue(doc, rev),
        params={**_about(doc, rev), "date": due_on.isoformat()},
        period=period,
    )
    reminded = {notice.user_id for notice in given}
    return [user.username for user in to if user.id in reminded]


def audit_assigned(session: Session, *, audit: Audit, members: list[User], by: User) -> None:
    give(
        session,
        to=members,
        kind=NoticeKind.AUDIT_ASSIGNED,
        subject=audit.ref,
        params={"ref": audit.ref, "by": by.full_name},
        skip=by,
    )


def checklist_to_work(session: Session, *, audit: Audit, members: list[User], items: int) -> None:
    give(
        session,
        to=members,
        kind=NoticeKind.CHECKLIST_TO_WORK,
        subject=audit.ref,
        params={"ref": audit.ref, "items": items},
    )


def finding_raised(session: Session, *, audit: Audit, finding: Finding, by: User) -> None:
    """To the auditee's representative."""
    give(
        session,
        to=audience.by_id(session, audit.auditee_rep_id),
        kind=NoticeKind.FINDING_RAISED,
        subject=f"{audit.ref}/{finding.number}",
        params={"ref": audit.ref, "number": finding.number, "grade": finding.grade},
        skip=by,
    )


def action_assigned(
    session: Session, *, car: CorrectiveActionRequest, action: CapaAction, by: User
) -> None:
    give(
        session,
        to=audience.by_id(session, action.owner_id),
        kind=NoticeKind.ACTION_ASSIGNED,
        subject=f"{car.ref}/{action.number}",
        params={**_action(car, action), "by": by.full_name},
        skip=by,
    )


def _action(car: CorrectiveActionRequest, action: CapaAction) -> dict[str, object]:
    return {
        "ref": car.ref,
        "number": action.number,
        "description": action.description[:200],
        "date": action.due_date.isoformat(),
    }


def action_due(
    session: Session,
    *,
    car: CorrectiveActionRequest,
    action: CapaAction,
    overdue: bool,
    period: str,
) -> None:
    give(
        session,
        to=audience.by_id(session, action.owner_id),
        kind=NoticeKind.ACTION_OVERDUE if overdue else NoticeKind.ACTION_DUE_SOON,
        subject=f"{car.ref}/{action.number}",
        params=_action(car, action),
        period=period,
    )


def verification_due(
    session: Session, *, car: CorrectiveActionRequest, owners: set[int], period: str
) -> None:
    """To the controllers who own none of its actions (they may verify it)."""
    give(
        session,
        to=[u for u in audience.with_role(session, Role.CONTROLLER) if u.id not in owners],
        kind=NoticeKind.VERIFICATION_DUE,
        subject=car.ref,
        params={
            "ref": car.ref,
            "date": car.verification_due.isoformat() if car.verification_due else "",
        },
        period=period,
    )


def periodic_review_due(
    session: Session, *, doc: Document, due_on: date, external: bool, period: str
) -> None:
    """To its owner, else to every controller; external documents: the currency check."""
    owners = audience.by_id(session, doc.owner_id) or audience.with_role(session, Role.CONTROLLER)
    give(
        session,
        to=owners,
        kind=NoticeKind.PERIODIC_REVIEW_DUE,
        subject=doc.code,
        params={
            "code": doc.code,
            "title": doc.title,
            "date": due_on.isoformat(),
            "external": external,
        },
        period=period,
    )


def risk_review_due(session: Session, *, item: Overdue, period: str) -> None:
    """To the controllers, who keep the register."""
    give(
        session,
        to=audience.with_role(session, Role.CONTROLLER),
        kind=NoticeKind.RISK_REVIEW_DUE,
        subject=item.ref,
        params={"ref": item.ref, "title": item.title, "date": item.due.isoformat()},
        period=period,
    )


def risk_action_overdue(session: Session, *, item: Overdue, owner: User, period: str) -> None:
    give(
        session,
        to=[owner],
        kind=NoticeKind.RISK_ACTION_OVERDUE,
        subject=f"{item.ref}/{item.number}",
        params={
            "ref": item.ref,
            "number": item.number,
            "date": item.due.isoformat(),
            "description": item.title,
        },
        period=period,
    )
