"""Planning a management review: its date and place, the period it covers, the chair
and the attendees. The coordinator plans; changes are refused once the meeting starts."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col

from qms.clock import utcnow
from qms.errors import Text, ValidationError
from qms.models import ManagementReview, ReviewAttendee, User, pk
from qms.services import numbering
from qms.services.fields import one_line
from qms.services.people import users
from qms.services.reviews.core import (
    PLANNED,
    commit_step,
    require_chair_role,
    require_coordinator,
)
from qms.text import clean

_NUMBERING_LOCK_KEY = 0x514D4D52
MAX_PLACE = 200
MAX_GUESTS = 4_000


def plan(
    session: Session,
    *,
    actor: User,
    planned_on: date,
    period_from: date,
    period_to: date,
    chair: str | None,
    attendees: Sequence[str],
    guests: str = "",
    place: str = "",
) -> ManagementReview:
    """Plan a review (coordinator). Refused without a chair, without an attendee, with
    a period that ends before it starts, or with a chair who is not a leader (approver)."""
    require_coordinator(session, actor, None)
    if not chair or not clean(chair):
        raise ValidationError("name the chair of the management review").about("chair")
    chair_user = users.get_user(session, chair)
    require_chair_role(session, chair_user)
    if period_to < period_from:
        raise ValidationError(
            "the period ends on {end}, before it starts on {start}",
            end=period_to.isoformat(),
            start=period_from.isoformat(),
        ).about("period_to")
    people = _attendees(session, attendees, chair_user)
    guest_lines = _guests(guests)
    if not people and not guest_lines:
        raise ValidationError("a management review needs at least one attendee").about("attendees")
    place_ = one_line(place, field=Text("place"))
    if len(place_) > MAX_PLACE:
        raise ValidationError(
            "the {field} is longer than {limit} characters", field=Text("place"), limit=MAX_PLACE
        )
    now = utcnow()
    review = ManagementReview(
        ref=_next_ref(session, planned_on.year),
        year=planned_on.year,
        status=PLANNED,
        planned_on=planned_on,
        place=place_,
        period_from=period_from,
        period_to=period_to,
        chair_id=pk(chair_user),
        guests="\n".join(guest_lines),
        created_by_id=pk(actor),
        created_at=now,
        updated_at=now,
    )
    session.add(review)
    session.flush()
    for person in people:
        session.add(ReviewAttendee(review_id=pk(review), user_id=pk(person)))
    commit_step(
        session,
        actor=actor,
        review=review,
        action="review.plan",
        payload={"new": planned_state(review, chair_user, people)},
    )
    return review


def planned_state(review: ManagementReview, chair: User, people: Sequence[User]) -> dict[str, Any]:
    return {
        "status": review.status,
        "planned_on": review.planned_on.isoformat(),
        "place": review.place,
        "period": [review.period_from.isoformat(), review.period_to.isoformat()],
        "chair": chair.username,
        "attendees": [p.username for p in people],
        "guests": review.guests.splitlines(),
    }


def _attendees(session: Session, names: Sequence[str], chair: User) -> list[User]:
    found: dict[int, User] = {}
    for name in names:
        for part in name.replace(",", " ").split():
            user = users.get_active_user(session, part)
            if user.id != chair.id:
                found[pk(user)] = user
    return sorted(found.values(), key=lambda u: (u.full_name, pk(u)))


def _guests(value: str) -> list[str]:
    text_ = clean(value).replace("\r\n", "\n")
    if len(text_) > MAX_GUESTS:
        raise ValidationError(
            "the {field} is longer than {limit} characters",
            field=Text("guests"),
            limit=MAX_GUESTS,
        )
    return [line.strip() for line in text_.split("\n") if line.strip()]


def _next_ref(session: Session, year: int) -> str:
    prefix = f"MR-{year}-"
    last = numbering.last_number(
        session,
        col(ManagementReview.ref),
        col(ManagementReview.ref).startswith(prefix),
        lock_key=_NUMBERING_LOCK_KEY,
    )
    return f"{prefix}{last + 1:02d}"
