"""Corrective actions of a nonconformity: planning, completion, effectiveness
verification, and what is overdue.

An action that changes a procedure raises the next issue of that document as a draft at
once; the action cannot be marked done before that issue has taken effect.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, false, func, or_
from sqlalchemy import select as select_columns  # any number of columns (sqlmodel: four)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import CapaStatus, Role
from qms.errors import InvalidTransition, Joined, NotFound, PermissionDenied, Text, ValidationError
from qms.i18n import in_language
from qms.models import (
    CapaAction,
    CapaVerification,
    CorrectiveActionRequest,
    Department,
    Document,
    Revision,
    User,
    pk,
)
from qms.phrases import state
from qms.services.capa import records as capa_records
from qms.services.capa.lifecycle import require_editable, require_leadership, set_status
from qms.services.capa.records import get_capa
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.notices import kinds as notices
from qms.services.paging import Paged
from qms.services.people import organisation, signing, users
from qms.services.people.signing import SigningLimits
from qms.services.trail import chain as trail
from qms.text import clean

VERIFICATION_DAYS_SETTING = "capa.verification_days"
DEFAULT_VERIFICATION_DAYS = 30
OPEN, DONE = "open", "done"


def _reason(language: str, ref: str, number: int, description: str) -> str:
    """The reason for change of a revision raised by an action: it cites the action, on
    one line (as every reason for change is)."""
    reason = Text(
        "Corrective action {ref} (action {number}): {description}",
        ref=ref,
        number=number,
        description=" ".join(description.split()),
    )
    return in_language(reason, "en" if language == "en" else "vi")


# The checks each command runs before it changes anything; the read views call the same
# functions to say which steps a viewer may take. Each raises the command's refusal.


def check_add_action(session: Session, actor: User, car: CorrectiveActionRequest) -> None:
    require_editable(
        car, CapaStatus.CAUSE_ANALYSED, CapaStatus.ACTIONS_PLANNED, step=Text("adding an action")
    )
    require_leadership(session, actor, car, Text("add actions to"))


def check_change_document(
    session: Session, actor: User, car: CorrectiveActionRequest, *, code: str | None = None
) -> None:
    """An action that raises a document's next issue: only a controller drafts revisions.
    ``code`` names the document (the views ask before any is chosen)."""
    check_add_action(session, actor, car)
    if Role.CONTROLLER in users.roles_of(session, actor):
        return
    if code is None:
        raise PermissionDenied(
            "{user} cannot raise document revisions: only a controller drafts revisions",
            user=actor.username,
        )
    raise PermissionDenied(
        "{user} cannot raise a revision of {code}: only a controller drafts revisions",
        user=actor.username,
        code=code,
    )


def check_complete(
    session: Session, actor: User, car: CorrectiveActionRequest, number: int
) -> CapaAction:
    """Action ``number`` may be marked done by ``actor``: its owner or a controller, once
    the plan is confirmed and any issue it raised has taken effect."""
    require_editable(car, CapaStatus.ACTIONS_PLANNED, step=Text("completing an action"))
    action = get_action(session, car, number)
    if action.status == DONE:
        raise InvalidTransition(
            "action {number} of {ref} is already done", number=number, ref=car.ref
        )
    if action.owner_id != actor.id and Role.CONTROLLER not in users.roles_of(session, actor):
        owner = session.get(User, action.owner_id)
        raise PermissionDenied(
            "only the owner of action {number} of {ref} ({owner}) or a controller can mark it done",
            number=number,
            ref=car.ref,
            owner=owner.username if owner else "?",
        )
    _require_revision_in_effect(session, car, action)
    return action


def check_verify(session: Session, actor: User, car: CorrectiveActionRequest) -> None:
    """Every action done; an auditor or controller who owns none of them."""
    actions = capa_records.actions_of(session, car)
    if car.status in (CapaStatus.CAUSE_ANALYSED, CapaStatus.ACTIONS_PLANNED):
        pending = [a.number for a in actions if a.status != DONE]
        if pending:
            raise InvalidTransition(
                "{ref} cannot be verified before every action is done (not done: {numbers})",
                ref=car.ref,
                numbers=Joined(pending),
            )
    require_editable(car, CapaStatus.ACTIONS_DONE, step=Text("the effectiveness verification"))
    users.require_role(
        session, actor, Role.AUDITOR, Role.CONTROLLER, action=Text("verify effectiveness")
    )
    owned = [a.number for a in actions if a.owner_id == actor.id]
    if owned:
        raise PermissionDenied(
            "{user} owns action {number} of {ref} and cannot verify its effectiveness",
            user=actor.username,
            number=owned[0],
            ref=car.ref,
        )


def add_action(
    session: Session,
    *,
    actor: User,
    ref: str,
    description: str,
    owner: str | None,
    due_date: date | None,
    document: str | None = None,
) -> CapaAction:
    """Add an action with its owner and due date (not in the past). With ``document`` the
    action also raises the next issue of that document as a draft (controllers only)."""
    car = get_capa(session, ref, lock=True)
    check_add_action(session, actor, car)
    text = clean(description or "")
    if not text:
        raise ValidationError("describe the action").about("description")
    if not owner or not clean(owner):
        raise ValidationError("every action needs an owner").about("owner")
    owner_user = users.get_active_user(session, owner)
    if due_date is None:
        raise ValidationError("every action needs a due date").about("due_date", option="--due")
    today = organisation.today(session)
    if due_date < today:
        raise ValidationError(
            "the due date {date} is in the past (today is {today})",
            date=due_date.isoformat(),
            today=today.isoformat(),
        )
    doc = None
    if document:
        doc = documents.get_document(session, document)
        check_change_document(session, actor, car, code=doc.code)
        current = revisions.in_progress_revision(session, doc)
        if current is not None:
            raise InvalidTransition(
                "{code} already has issue {issue} in progress ({state}); "
                "finish it before raising another",
                code=doc.code,
                issue=current.issue,
                state=state(current.status),
            )
    numbers = [a.number for a in capa_records.actions_of(session, car)]
    action = CapaAction(
        capa_id=pk(car),
        number=max(numbers, default=0) + 1,
        description=text,
        owner_id=pk(owner_user),
        due_date=due_date,
        status=OPEN,
        created_at=utcnow(),
    )
    session.add(action)
    session.flush()
    change = None
    if doc is not None:
        rev = revisions.draft_next_issue(
            session,
            actor=actor,
            code=doc.code,
            reason=_reason(doc.language, car.ref, action.number, text),
            description=text,
        )
        action.document_id = doc.id
        action.revision_id = rev.id
        session.add(action)
        change = f"{doc.code}/{rev.issue}"
    car.updated_at = utcnow()
    session.add(car)
    trail.record(
        session,
        actor=actor.username,
        action="capa.action_add",
        entity="capa",
        entity_id=car.ref,
        payload={
            "new": {
                "action": action.number,
                "description": text,
                "owner": owner_user.username,
                "due_date": due_date,
                "revision": change,
            }
        },
    )
    notices.action_assigned(session, car=car, action=action, by=actor)
    session.commit()
    return action


def get_action(session: Session, car: CorrectiveActionRequest, number: int) -> CapaAction:
    action = session.exec(
        select(CapaAction).where(CapaAction.capa_id == car.id).where(CapaAction.number == number)
    ).first()
    if action is None:
        raise NotFound("{ref} has no action {number}", ref=car.ref, number=number)
    return action


def verification_days(session: Session) -> int:
    raw = organisation.get_setting(session, VERIFICATION_DAYS_SETTING).strip()
    if not raw:
        return DEFAULT_VERIFICATION_DAYS
    if not raw.isdigit():
        raise ValidationError(
            "the setting {setting} must be a number of days, not {value!r}",
            setting=VERIFICATION_DAYS_SETTING,
            value=raw,
        )
    return int(raw)


def complete_action(
    session: Session, *, actor: User, ref: str, number: int, note: str = ""
) -> CapaAction:
    """Mark an action done (its owner or a controller). When the last one is done the
    effectiveness verification is scheduled."""
    car = get_capa(session, ref, lock=True)
    action = check_complete(session, actor, car, number)
    action.status = DONE
    action.done_note = clean(note or "")
    action.done_by_id = actor.id
    action.done_at = utcnow()
    session.add(action)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="capa.action_done",
        entity="capa",
        entity_id=car.ref,
        payload={
            "old": {"action": number, "status": OPEN},
            "new": {"action": number, "status": DONE, "note": action.done_note},
        },
    )
    if all(a.status == DONE for a in capa_records.actions_of(session, car)):
        car.verification_due = organisation.today(session) + timedelta(
            days=verification_days(session)
        )
        set_status(
            session,
            actor=actor,
            car=car,
            status=CapaStatus.ACTIONS_DONE,
            action="actions_done",
            details={"verification_due": car.verification_due},
        )
    session.commit()
    return action


def _require_revision_in_effect(
    session: Session, car: CorrectiveActionRequest, action: CapaAction
) -> None:
    if action.revision_id is None:
        return
    rev = session.get(Revision, action.revision_id)
    doc = session.get(Document, action.document_id) if action.document_id else None
    if rev is None or doc is None:
        raise NotFound(
            "the revision raised by action {number} of {ref} is missing",
            number=action.number,
            ref=car.ref,
        )
    if rev.effective_at is None:
        raise InvalidTransition(
            "action {number} of {ref} changes {code}: issue {issue} is {state} and must "
            "take effect before the action is done",
            number=action.number,
            ref=car.ref,
            code=doc.code,
            issue=rev.issue,
            state=state(rev.status),
        )


def verify(
    session: Session,
    *,
    actor: User,
    ref: str,
    effective: bool,
    evidence: str,
    password: str,
    limits: SigningLimits | None = None,
) -> CapaVerification:
    """Verify the effectiveness of the actions and sign it (password again): an auditor or
    controller who owns none of the actions. Effective -> verified_effective; not
    effective -> the plan reopens (actions_planned) and new actions must be added."""
    car = get_capa(session, ref, lock=True)
    check_verify(session, actor, car)
    text = clean(evidence or "")
    if not text:
        raise ValidationError("give the evidence of the verification").about("evidence")
    signing.confirm_signer(
        session,
        signer=actor,
        password=password,
        limits=limits,
        entity="capa",
        entity_id=car.ref,
        meaning="verified",
    )
    now = utcnow()
    verification = CapaVerification(
        capa_id=pk(car),
        verifier_id=pk(actor),
        effective=effective,
        evidence=text,
        printed_name=actor.full_name,
        position=actor.position,
        performed_at=now,
        content_hash=capa_records.content_hash(session, car, effective=effective, evidence=text),
    )
    session.add(verification)
    session.flush()
    if effective:
        new_status = CapaStatus.VERIFIED_EFFECTIVE
    else:
        new_status = CapaStatus.ACTIONS_PLANNED
        car.verification_due = None
    set_status(
        session,
        actor=actor,
        car=car,
        status=new_status,
        action="verify",
        details={
            "effective": effective,
            "evidence": text,
            "content_hash": verification.content_hash,
        },
    )
    session.commit()
    return verification


# ------------------------------------------------------------------------------ overdue


@dataclass(frozen=True)
class OverdueAction:
    ref: str
    number: int
    description: str
    owner: str  # username
    owner_name: str
    department: str  # code of the nonconformity's department
    due_date: date
    days_overdue: int


@dataclass(frozen=True)
class OverdueVerification:
    ref: str
    department: str
    verification_due: date
    days_overdue: int


@dataclass(frozen=True)
class OverdueReport:
    today: date
    actions: list[OverdueAction]  # by department, owner, due date
    verifications: list[OverdueVerification]


def overdue(
    session: Session,
    *,
    viewer: User | None,
    owner: str | None = None,
    department: str | None = None,
) -> OverdueReport:
    """Open actions past their due date (per department and owner), and verifications
    past their scheduled date (``viewer`` as in :func:`capa_records.record_pdf`)."""
    if viewer is not None:
        capa_records.require_reader(session, viewer)
    today = organisation.today(session)
    query, late, _ = _overdue_queries(session, today, owner, department)
    actions = [_overdue_action(today, *row) for row in session.execute(query).all()]
    verifications = [_overdue_verification(today, *row) for row in session.execute(late).all()]
    return OverdueReport(today=today, actions=actions, verifications=verifications)


OVERDUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class OverdueActionPage(Paged):
    rows: list[OverdueAction]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class OverdueVerificationPage(Paged):
    rows: list[OverdueVerification]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class OverduePage:
    """What :func:`overdue` reports, each list one page at a time, counted by the
    database."""

    today: date
    actions: OverdueActionPage
    verifications: OverdueVerificationPage


def overdue_page(
    session: Session,
    *,
    viewer: User | None,
    owner: str | None = None,
    department: str | None = None,
    page: int = 1,
    verifications_page: int = 1,
    per_page: int = OVERDUE_PAGE_SIZE,
) -> OverduePage:
    """Page ``page`` of the overdue actions and page ``verifications_page`` of the late
    verifications, in :func:`overdue`'s order."""
    if viewer is not None:
        capa_records.require_reader(session, viewer)
    today = organisation.today(session)
    query, late, groups = _overdue_queries(session, today, owner, department)
    page, verifications_page = max(1, page), max(1, verifications_page)
    total, actions = _actions_page(session, query, groups, (page - 1) * per_page, per_page)
    verifications = session.execute(
        late.offset((verifications_page - 1) * per_page).limit(per_page)
    ).all()
    return OverduePage(
        today,
        OverdueActionPage(
            [_overdue_action(today, *row) for row in actions],
            total,
            page,
            per_page,
        ),
        OverdueVerificationPage(
            [_overdue_verification(today, *row) for row in verifications],
            _count(session, late),
            verifications_page,
            per_page,
        ),
    )


def _actions_page(
    session: Session,
    query: Select[str, int, str, str, str, str, date],
    groups: Select[int, int, int],
    start: int,
    per_page: int,
) -> tuple[int, list[tuple[str, int, str, str, str, str, date]]]:
    """How many actions are overdue, and ``per_page`` of them from ``start``: the counts
    per department and owner, put in the list's order (department code, owner's
    username), say which of them the page reaches, so the database sorts only their
    actions, not every overdue action by its department's code and its owner's name."""
    counts = session.execute(groups).all()
    codes = dict(session.execute(select_columns(col(Department.id), col(Department.code))).all())
    owners = {owner_id for _, owner_id, _ in counts}
    names = dict(
        session.execute(
            select_columns(col(User.id), col(User.username)).where(col(User.id).in_(owners))
        ).all()
    )
    in_order = sorted(counts, key=lambda group: (codes[group[0]], names[group[1]]))
    reached: list[ColumnElement[bool]] = []
    position, skip = 0, 0
    for department_id, owner_id, count in in_order:
        if position + count > start and position < start + per_page:
            if not reached:
                skip = start - position
            reached.append(
                and_(
                    col(CorrectiveActionRequest.department_id) == department_id,
                    col(CapaAction.owner_id) == owner_id,
                )
            )
        position += count
    if not reached:
        return position, []
    # The page's actions are found from narrow rows (sorting wide ones costs), then read.
    rank = case(*((group, n) for n, group in enumerate(reached)))  # the groups' order
    keys = (
        groups.with_only_columns(col(CapaAction.id))
        .group_by(None)
        .where(or_(*reached))
        .order_by(rank, *_WITHIN_OWNER)
    )
    ids = list(session.execute(keys.offset(skip).limit(per_page)).scalars())
    read = query.add_columns(col(CapaAction.id)).where(col(CapaAction.id).in_(ids))
    found = {row[-1]: row[:-1] for row in session.execute(read.order_by(None)).all()}
    return position, [found[action_id] for action_id in ids]


def _count(session: Session, query: Select[*tuple[Any, ...]]) -> int:
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return int(session.exec(counted).one())


# The overdue actions of one department and owner: by due date, record, action.
_WITHIN_OWNER = (
    col(CapaAction.due_date),
    col(CorrectiveActionRequest.year),
    col(CorrectiveActionRequest.number),
    col(CapaAction.number),
)


def _overdue_queries(
    session: Session, today: date, owner: str | None, department: str | None
) -> tuple[
    Select[str, int, str, str, str, str, date],
    Select[str, str, date | None],
    Select[int, int, int],
]:
    """The overdue actions (by department, owner, due date, then record and action
    number), the late verifications (by department and date; none when ``owner`` narrows
    the report to one person), and how many actions are overdue per department and
    owner (ids, read from the actions and their records alone)."""
    overdue = [
        col(CapaAction.status) == OPEN,
        col(CapaAction.due_date) < today,
        col(CorrectiveActionRequest.status) != CapaStatus.CLOSED.value,
    ]
    late_where = [
        col(CorrectiveActionRequest.status) == CapaStatus.ACTIONS_DONE.value,
        col(CorrectiveActionRequest.verification_due) < today,
    ]
    if owner:
        overdue.append(col(CapaAction.owner_id) == pk(users.get_user(session, owner)))
        late_where.append(false())
    if department:
        dept = users.get_department(session, department)
        overdue.append(col(CorrectiveActionRequest.department_id) == dept.id)
        late_where.append(col(CorrectiveActionRequest.department_id) == dept.id)
    on_record = col(CorrectiveActionRequest.id) == CapaAction.capa_id
    query = (
        select_columns(  # narrow rows: the database sorts every overdue action
            col(CorrectiveActionRequest.ref),
            col(CapaAction.number),
            col(CapaAction.description),
            col(User.username),
            col(User.full_name),
            col(Department.code),
            col(CapaAction.due_date),
        )
        .join(CorrectiveActionRequest, on_record)
        .join(User, col(User.id) == CapaAction.owner_id)
        .join(Department, col(Department.id) == CorrectiveActionRequest.department_id)
        .where(*overdue)
        .order_by(col(Department.code), col(User.username), *_WITHIN_OWNER)
    )
    late = (
        select_columns(
            col(CorrectiveActionRequest.ref),
            col(Department.code),
            col(CorrectiveActionRequest.verification_due),
        )
        .join(Department, col(Department.id) == CorrectiveActionRequest.department_id)
        .where(*late_where)
        .order_by(
            col(Department.code),
            col(CorrectiveActionRequest.verification_due),
            col(CorrectiveActionRequest.year),
            col(CorrectiveActionRequest.number),
        )
    )
    groups = (
        select_columns(
            col(CorrectiveActionRequest.department_id), col(CapaAction.owner_id), func.count()
        )
        .select_from(CapaAction)
        .join(CorrectiveActionRequest, on_record)
        .where(*overdue)
        .group_by(col(CorrectiveActionRequest.department_id), col(CapaAction.owner_id))
    )
    return query, late, groups


def _overdue_action(
    today: date,
    ref: str,
    number: int,
    description: str,
    owner: str,
    owner_name: str,
    department: str,
    due_date: date,
) -> OverdueAction:
    return OverdueAction(
        ref=ref,
        number=number,
        description=description,
        owner=owner,
        owner_name=owner_name,
        department=department,
        due_date=due_date,
        days_overdue=(today - due_date).days,
    )


def _overdue_verification(
    today: date, ref: str, department: str, verification_due: date | None
) -> OverdueVerification:
    assert verification_due is not None  # the query keeps only records with a date
    return OverdueVerification(
        ref=ref,
        department=department,
        verification_due=verification_due,
        days_overdue=(today - verification_due).days,
    )
