"""A review's identity and the rules every step shares: who coordinates, who chairs,
who reads, and the states that lock it.

The coordinator (controller role) plans, starts and writes the minutes. The chair is a
user with the approver role: in the role set the approver is the leader who signs the
organisation's documents (the head of the organisation or the leader responsible for
quality), so the chair who signs the minutes must hold it. The chair, the attendees and
the owners of its actions read the review; nobody else does.
"""

from typing import Any

from sqlmodel import Session, col, select

from qms.domain import Role
from qms.errors import InvalidTransition, NotFound, PermissionDenied
from qms.models import ManagementReview, ReviewAttendee, ReviewDecision, User, pk
from qms.services.people import users
from qms.services.trail import chain as trail
from qms.text import clean

PLANNED, IN_PROGRESS, SIGNED = "planned", "in_progress", "signed"


def get_review(session: Session, ref: str, *, lock: bool = False) -> ManagementReview:
    query = select(ManagementReview).where(ManagementReview.ref == clean(ref).upper())
    if lock:
        query = query.with_for_update()
    found = session.exec(query).first()
    if found is None:
        raise NotFound("no management review {ref}", ref=ref)
    return found


def attendees_of(session: Session, review: ManagementReview) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(ReviewAttendee, col(ReviewAttendee.user_id) == User.id)
            .where(ReviewAttendee.review_id == review.id)
            .order_by(col(User.full_name), col(User.id))
        ).all()
    )


def chair_of(session: Session, review: ManagementReview) -> User:
    chair = session.get(User, review.chair_id)
    assert chair is not None  # a foreign key
    return chair


def is_coordinator(session: Session, user: User) -> bool:
    return Role.CONTROLLER in users.roles_of(session, user)


def can_read(session: Session, user: User, review: ManagementReview) -> bool:
    """The coordinator, the chair, the attendees and the owners of its actions."""
    if is_coordinator(session, user) or user.id == review.chair_id:
        return True
    if pk(user) in {pk(a) for a in attendees_of(session, review)}:
        return True
    owns = session.exec(
        select(ReviewDecision.id)
        .where(ReviewDecision.review_id == review.id)
        .where(ReviewDecision.owner_id == user.id)
    ).first()
    return owns is not None


def require_reader(session: Session, user: User, review: ManagementReview) -> None:
    if not can_read(session, user, review):
        raise PermissionDenied(
            "{user} cannot read {ref}: it is for the coordinator, the chair, the attendees "
            "and the owners of its actions",
            user=user.username,
            ref=review.ref,
        )


def require_coordinator(session: Session, user: User, review: ManagementReview | None) -> None:
    if not is_coordinator(session, user):
        if review is None:
            raise PermissionDenied(
                "{user} cannot plan a management review: it needs the controller role",
                user=user.username,
            )
        raise PermissionDenied(
            "{user} cannot change {ref}: it needs the controller role",
            user=user.username,
            ref=review.ref,
        )


def require_status(review: ManagementReview, *allowed: str) -> None:
    if review.status in allowed:
        return
    if review.status == SIGNED:
        raise InvalidTransition("{ref} is signed and locked", ref=review.ref)
    if review.status == PLANNED:
        raise InvalidTransition("{ref} has not started yet", ref=review.ref)
    raise InvalidTransition("{ref} has already started", ref=review.ref)


def require_chair_role(session: Session, chair: User) -> None:
    if not chair.active:
        raise PermissionDenied("user {user} is deactivated", user=chair.username)
    if Role.APPROVER not in users.roles_of(session, chair):
        raise PermissionDenied(
            "{user} cannot chair a management review: the chair is the head of the "
            "organisation or the leader responsible for quality (the approver role)",
            user=chair.username,
        )


def commit_step(
    session: Session, *, actor: User, review: ManagementReview, action: str, payload: dict[str, Any]
) -> None:
    """Write a step on ``review`` to the trail and commit it with the change, one transaction."""
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action=action,
        entity="review",
        entity_id=review.ref,
        payload=payload,
    )
    session.commit()
