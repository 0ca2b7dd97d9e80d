"""Complaints and feedback from citizens (ISO 9001 9.1.2): recorded by anyone who receives
them, and turned into a nonconformity (source complaint) by a controller or a leader of
the department concerned."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import CapaSource, Role
from qms.errors import Conflict, NotFound, PermissionDenied, Text, ValidationError
from qms.models import CorrectiveActionRequest, Department, Feedback, User, pk
from qms.services import numbering
from qms.services.capa import lifecycle as capa
from qms.services.fields import one_line
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.text import clean

KINDS = ("complaint", "feedback")
MAX_SUMMARY = 8000


@dataclass(frozen=True)
class FeedbackView:
    ref: str
    kind: str
    received_on: date
    channel: str
    field: str
    department: str
    summary: str
    recorded_by: str
    nonconformity: str | None


def list_feedback(session: Session, *, year: int) -> list[FeedbackView]:
    """The complaints and feedback received in ``year``, oldest first."""
    rows = session.exec(
        select(Feedback, Department.code, User.username, CorrectiveActionRequest.ref)
        .join(Department, col(Department.id) == Feedback.department_id)
        .join(User, col(User.id) == Feedback.recorded_by_id)
        .outerjoin(CorrectiveActionRequest, col(CorrectiveActionRequest.id) == Feedback.capa_id)
        .where(col(Feedback.ref).startswith(f"PA-{year}-"))
        .order_by(*numbering.in_order(col(Feedback.ref)))
    ).all()
    return [
        FeedbackView(
            ref=item.ref,
            kind=item.kind,
            received_on=item.received_on,
            channel=item.channel,
            field=item.field,
            department=dept,
            summary=item.summary,
            recorded_by=username,
            nonconformity=car,
        )
        for item, dept, username, car in rows
    ]


def get_feedback(session: Session, ref: str) -> Feedback:
    found = session.exec(select(Feedback).where(Feedback.ref == clean(ref).upper())).first()
    if found is None:
        raise NotFound("no complaint or feedback {ref}", ref=ref)
    return found


def record_feedback(
    session: Session,
    *,
    actor: User,
    kind: str,
    received_on: date,
    department: str,
    summary: str,
    channel: str = "",
    field: str = "",
) -> Feedback:
    if kind not in KINDS:
        raise ValidationError("the kind is complaint or feedback, not {value!r}", value=kind)
    if received_on > organisation.today(session):
        raise ValidationError(
            "the date received {date} is in the future", date=received_on.isoformat()
        )
    text = clean(summary or "")
    if not text:
        raise ValidationError("describe what the citizen said (--summary)")
    if len(text) > MAX_SUMMARY:
        raise ValidationError("the summary is longer than {limit:,} characters", limit=MAX_SUMMARY)
    dept = users.get_department(session, department)
    how = one_line(channel, field=Text("channel"))[:60]
    about = one_line(field, field=Text("field"))[:200]
    year = received_on.year
    count = len(
        session.exec(select(Feedback.id).where(col(Feedback.ref).startswith(f"PA-{year}-"))).all()
    )
    item = Feedback(
        ref=f"PA-{year}-{count + 1:03d}",
        kind=kind,
        received_on=received_on,
        channel=how,
        field=about,
        department_id=pk(dept),
        summary=text,
        recorded_by_id=pk(actor),
        recorded_at=utcnow(),
    )
    session.add(item)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="feedback.record",
        entity="feedback",
        entity_id=item.ref,
        payload={
            "new": {
                "kind": kind,
                "received_on": received_on.isoformat(),
                "department": dept.code,
                "channel": how,
                "field": about,
                "summary": text,
            }
        },
    )
    session.commit()
    return item


def check_raise(session: Session, actor: User, item: Feedback) -> None:
    """A controller, or a reviewer or approver of the department concerned, turns a
    complaint or feedback into a nonconformity, once."""
    if item.capa_id is not None:
        raise Conflict("{ref} already became a nonconformity", ref=item.ref)
    roles = users.roles_of(session, actor)
    leader = actor.department_id == item.department_id and roles & {Role.REVIEWER, Role.APPROVER}
    if Role.CONTROLLER not in roles and not leader:
        raise PermissionDenied(
            "{user} cannot open a nonconformity from {ref}: it needs a controller, or a "
            "reviewer or approver of its department",
            user=actor.username,
            ref=item.ref,
        )


def raise_nonconformity(session: Session, *, actor: User, ref: str, severity: str = "minor") -> str:
    item = get_feedback(session, ref)
    check_raise(session, actor, item)
    dept = users.department_by_id(session, item.department_id)
    car = capa.add_nonconformity(
        session,
        actor=actor,
        source=CapaSource.COMPLAINT.value,
        description=f"{item.ref} ({item.received_on.isoformat()}): {item.summary}",
        department=dept.code,
        clause="9.1.2",
        severity=severity,
    )
    item.capa_id = pk(car)
    session.add(item)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="feedback.nonconformity",
        entity="feedback",
        entity_id=item.ref,
        payload={"new": {"capa": car.ref}},
    )
    session.commit()
    return car.ref
