"""Batches of records kept, and their disposal once the retention has passed.

A batch is the records of one kind closed in one year. Retention counts in whole years
from 1 January of the year after (5 years for records closed in 2019: they may be
disposed of from 1 January 2025). Disposal is recorded by one person and approved by
another who holds the approver or controller role; a batch still within its retention,
or kept permanently, is refused.
"""

from datetime import date

from sqlmodel import Session

from qms.clock import utcnow
from qms.domain import Role
from qms.errors import Conflict, NotFound, PermissionDenied, Text, ValidationError
from qms.models import RecordBatch, RecordType, User, pk
from qms.phrases import day
from qms.services.people import organisation, users
from qms.services.records.listing import checked_text, get_line
from qms.services.trail import chain as trail

FIRST_YEAR = 1900
DISPOSAL_APPROVERS = frozenset({Role.APPROVER, Role.CONTROLLER})


def due_from(line: RecordType, year: int) -> date | None:
    """The first day a batch of ``line`` closed in ``year`` may be disposed of; None while
    it has no such day (kept permanently, or a retention that is not a number of years)."""
    if line.permanent or line.retention_years is None:
        return None
    return date(year + line.retention_years + 1, 1, 1)


def can_keep(session: Session, actor: User, line: RecordType) -> bool:
    """The coordinator keeps every record; a department's reviewer or approver its own."""
    roles = users.roles_of(session, actor)
    if Role.CONTROLLER in roles:
        return True
    return bool(roles & {Role.REVIEWER, Role.APPROVER}) and (
        line.department_id is not None and actor.department_id == line.department_id
    )


def _check_keep(session: Session, actor: User, line: RecordType) -> None:
    if not can_keep(session, actor, line):
        raise PermissionDenied(
            "{user} cannot record batches of {record}: it needs a controller, or a reviewer "
            "or approver of the department that keeps it",
            user=actor.username,
            record=line.name,
        )


def get_batch(session: Session, batch_id: int) -> RecordBatch:
    batch = session.get(RecordBatch, batch_id)
    if batch is None:
        raise NotFound("no batch of records {id}", id=batch_id)
    return batch


def keep_batch(
    session: Session,
    *,
    actor: User,
    line_id: int,
    year: int,
    count: int | None = None,
    description: str = "",
) -> RecordBatch:
    """Register the records of line ``line_id`` closed in ``year`` as kept."""
    line = get_line(session, line_id)
    _check_keep(session, actor, line)
    this_year = organisation.today(session).year
    if not FIRST_YEAR <= year <= this_year:
        raise ValidationError(
            "the year is from {first} to {last}, not {year}",
            first=str(FIRST_YEAR),
            last=str(this_year),
            year=str(year),
        ).about("year")
    if not line.permanent and line.retention_years is None:
        raise ValidationError(
            "the retention of {record} is {retention!r}, not a number of years: its batches "
            "cannot be counted down",
            record=line.name,
            retention=line.retention_text,
        )
    if count is not None and count < 1:
        raise ValidationError("the count is a whole number from 1").about("count")
    text = checked_text(description, Text("description"), 300, name="description")
    batch = RecordBatch(
        record_type_id=pk(line),
        year=year,
        count=count,
        description=text,
        kept_by_id=pk(actor),
        kept_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    until = due_from(line, year)
    trail.record(
        session,
        actor=actor.username,
        action="records.keep",
        entity="record_batch",
        entity_id=pk(batch),
        payload={
            "record": line.name,
            "record_type": pk(line),
            "year": year,
            "count": count,
            "description": text,
            "disposal_from": until.isoformat() if until else None,
        },
    )
    session.commit()
    return batch


def dispose_batch(
    session: Session,
    *,
    actor: User,
    batch_id: int,
    approved_by: str,
    method: str = "",
    disposed_on: date | None = None,
    reference: str = "",
) -> RecordBatch:
    """Record that a batch past its retention was disposed of: how, on which day, under
    which decision, approved by a second person (an approver or controller)."""
    batch = get_batch(session, batch_id)
    line = session.get(RecordType, batch.record_type_id)
    assert line is not None  # a foreign key
    _check_keep(session, actor, line)
    if batch.disposed_on is not None:
        raise Conflict(
            "batch {id} was disposed of on {date}", id=batch_id, date=day(batch.disposed_on)
        )
    approver = _approver(session, actor, approved_by)
    today = organisation.today(session)
    when = disposed_on or today
    if when > today:
        raise ValidationError("the disposal date {date} is in the future", date=day(when)).about(
            "disposed_on"
        )
    if line.permanent:
        raise Conflict("{record} is kept permanently: it is never disposed of", record=line.name)
    until = due_from(line, batch.year)
    if until is None:
        raise Conflict(
            "the retention of {record} is {retention!r}, not a number of years: disposal "
            "cannot be checked",
            record=line.name,
            retention=line.retention_text,
        )
    if when < until:
        raise Conflict(
            "{record} of {year} is within its retention ({retention}) until {date}: it "
            "cannot be disposed of before",
            record=line.name,
            year=str(batch.year),
            retention=line.retention_text,
            date=day(until),
        )
    how = checked_text(method or line.disposal, Text("disposal method"), 300, name="method")
    if not how:
        raise ValidationError("say how the records were disposed of").about("method")
    batch.disposed_on = when
    batch.disposal_method = how
    batch.disposal_reference = checked_text(
        reference, Text("decision or minutes"), 200, name="reference"
    )
    batch.disposed_by_id = pk(actor)
    batch.approved_by_id = pk(approver)
    batch.disposed_at = utcnow()
    session.add(batch)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="records.dispose",
        entity="record_batch",
        entity_id=pk(batch),
        payload={
            "record": line.name,
            "year": batch.year,
            "disposed_on": when.isoformat(),
            "method": how,
            "reference": batch.disposal_reference,
            "approved_by": approver.username,
        },
    )
    session.commit()
    return batch


def _approver(session: Session, actor: User, username: str) -> User:
    name = username.strip()
    if not name:
        raise ValidationError("say who approved the disposal").about("approved_by")
    try:
        approver = users.get_active_user(session, name)
    except NotFound as exc:
        raise exc.about("approved_by") from None
    if pk(approver) == pk(actor):
        raise ValidationError(
            "the disposal is approved by someone other than the person who records it"
        ).about("approved_by")
    if not users.roles_of(session, approver) & DISPOSAL_APPROVERS:
        raise ValidationError(
            "{user} cannot approve a disposal: it needs an approver or a controller",
            user=approver.username,
        ).about("approved_by")
    return approver
