"""Nonconformities and corrective action (ISO 9001 clause 10.2): the record and its states.

open -> contained -> cause_analysed -> actions_planned -> actions_done ->
verified_effective -> closed. Actions, verification and overdue lists are in
``capa_actions``; record data and PDFs in ``capa_records``; the register and one record
in full in ``capa_views``. A closed record is locked.
"""

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import (
    LANGUAGES,
    SEVERITIES,
    SIMILAR_ANSWERS,
    CapaSource,
    CapaStatus,
    CauseCategory,
    Role,
)
from qms.errors import (
    Conflict,
    InvalidTransition,
    Joined,
    PermissionDenied,
    Text,
    ValidationError,
    either,
)
from qms.i18n import msg, translate
from qms.models import (
    CapaWhy,
    CorrectiveActionRequest,
    Department,
    Finding,
    User,
    pk,
)
from qms.phrases import any_state, state
from qms.services import blobs, numbering
from qms.services.capa import records as capa_records
from qms.services.capa.records import get_capa
from qms.services.fields import one_line
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.text import clean

MAX_WHYS = 5
MAX_CLAUSE = 20
# Serialises reference numbering on PostgreSQL (SQLite writers hold the database lock).
_NUMBERING_LOCK_KEY = 0x514D5343
_GRADE_SEVERITY = {"NC_MAJOR": "major", "NC_MINOR": "minor"}
_EVIDENCE_WORD = msg("Evidence")
LEADERSHIP = (Role.APPROVER, Role.REVIEWER)


# --------------------------------------------------------------------- shared rule checks


def require_editable(car: CorrectiveActionRequest, *allowed: CapaStatus, step: Text) -> None:
    """Refuse any change to a closed record, and ``step`` outside ``allowed`` states."""
    if car.status == CapaStatus.CLOSED:
        raise InvalidTransition("{ref} is closed and locked", ref=car.ref)
    if car.status not in allowed:
        raise InvalidTransition(
            "{ref} is {state}; {step} needs it to be {wanted}",
            ref=car.ref,
            state=state(car.status),
            step=step,
            wanted=any_state(allowed),
        )


def require_leadership(
    session: Session, actor: User, car: CorrectiveActionRequest, action: Text
) -> None:
    """A controller, or a reviewer or approver of the nonconformity's department."""
    roles = users.roles_of(session, actor)
    if Role.CONTROLLER in roles:
        return
    if actor.department_id == car.department_id and roles & set(LEADERSHIP):
        return
    dept = users.department_by_id(session, car.department_id).code
    raise PermissionDenied(
        "{user} cannot {action} {ref}: it needs a controller, "
        "or a reviewer or approver of department {dept}",
        user=actor.username,
        action=action,
        ref=car.ref,
        dept=dept,
    )


# The checks each command runs before it changes anything; the read views call the same
# functions to say which steps a viewer may take. Each raises the command's refusal.


def check_contain(session: Session, actor: User, car: CorrectiveActionRequest) -> None:
    require_editable(car, CapaStatus.OPEN, step=Text("recording the correction"))
    require_leadership(session, actor, car, Text("record the correction of"))


def check_analyse(session: Session, actor: User, car: CorrectiveActionRequest) -> None:
    require_editable(car, CapaStatus.CONTAINED, step=Text("the cause analysis"))
    require_leadership(session, actor, car, Text("analyse the cause of"))


def check_plan(session: Session, actor: User, car: CorrectiveActionRequest) -> None:
    """Planning also needs at least one action."""
    require_editable(car, CapaStatus.CAUSE_ANALYSED, step=Text("confirming the plan"))
    require_leadership(session, actor, car, Text("plan the actions of"))
    if not capa_records.actions_of(session, car):
        raise ValidationError(
            "{ref} has no actions yet: add at least one before planning", ref=car.ref
        )


def check_close(session: Session, actor: User, car: CorrectiveActionRequest) -> None:
    """Closing needs every action done and an effective verification."""
    if car.status == CapaStatus.CLOSED:
        raise InvalidTransition("{ref} is closed and locked", ref=car.ref)
    require_leadership(session, actor, car, Text("close"))
    problems = closure_problems(session, car)
    if problems:
        raise InvalidTransition(
            "{ref} cannot be closed yet: {problems}", ref=car.ref, problems=Joined(problems, "; ")
        )


def set_status(
    session: Session,
    *,
    actor: User,
    car: CorrectiveActionRequest,
    status: CapaStatus,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Change the state and put the transition on the trail (old and new status)."""
    old = car.status
    car.status = status.value
    car.updated_at = utcnow()
    session.add(car)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action=f"capa.{action}",
        entity="capa",
        entity_id=car.ref,
        payload={"old": {"status": old}, "new": {"status": car.status, **(details or {})}},
    )


def _required(value: str | None, message: Text, field: str) -> str:
    cleaned = clean(value or "")
    if not cleaned:
        raise ValidationError(message).about(field)
    return cleaned


# ------------------------------------------------------------------------------- open


def open_nonconformity(
    session: Session,
    *,
    actor: User,
    source: str | None = None,
    description: str | None = None,
    department: str | None = None,
    clause: str | None = None,
    severity: str | None = None,
    finding: str | None = None,
) -> CorrectiveActionRequest:
    """Record a nonconformity (phiếu CAR). From an audit finding (``IA-2026-01/2``, auditor
    or controller) its department, clause, description and severity are copied unless
    given; any active user may record the other sources."""
    car = add_nonconformity(
        session,
        actor=actor,
        source=source,
        description=description,
        department=department,
        clause=clause,
        severity=severity,
        finding=finding,
    )
    session.commit()
    return car


def add_nonconformity(
    session: Session,
    *,
    actor: User,
    source: str | None = None,
    description: str | None = None,
    department: str | None = None,
    clause: str | None = None,
    severity: str | None = None,
    finding: str | None = None,
) -> CorrectiveActionRequest:
    """:func:`open_nonconformity` without the commit, for services that open one as part
    of a larger change (an objective not met, late dossiers in an import)."""
    if not source and not finding:
        raise ValidationError(
            "give the source of the nonconformity ({choices})",
            choices=Joined([s.value for s in CapaSource]),
        )
    kind = _parse_source(source or CapaSource.AUDIT_FINDING.value)
    found = _finding_for(session, actor, kind, finding)
    if found is not None:
        if not description:
            language = organisation.get_setting(session, "organisation.language") or "vi"
            word = translate(_EVIDENCE_WORD, language if language in LANGUAGES else "en")
            description = found.statement + (
                f"\n\n{word}: {found.evidence}" if found.evidence else ""
            )
        if not department and found.department_id is not None:
            department = users.department_by_id(session, found.department_id).code
        clause = clause if clause is not None else found.clause
        severity = severity or _GRADE_SEVERITY.get(found.grade)
    text_ = _required(description, Text("describe the nonconformity"), "description")
    dept = _department(session, department)
    clause = one_line(clause or "", field=Text("clause"))
    if len(clause) > MAX_CLAUSE:
        raise ValidationError(
            "the clause {clause!r} is longer than {limit} characters",
            clause=clause,
            limit=MAX_CLAUSE,
        )
    severity = clean(severity or "").lower()
    if severity not in SEVERITIES:
        raise ValidationError("give the severity: {choices}", choices=either(SEVERITIES)).about(
            "severity"
        )
    now = utcnow()
    year = organisation.today(session).year
    number = _next_number(session, year)
    car = CorrectiveActionRequest(
        ref=f"CAR-{year}-{number:03d}",
        year=year,
        number=number,
        status=CapaStatus.OPEN.value,
        source=kind.value,
        finding_id=found.id if found else None,
        description=text_,
        department_id=pk(dept),
        clause=clause,
        severity=severity,
        reported_by_id=pk(actor),
        reported_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(car)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="capa.open",
        entity="capa",
        entity_id=car.ref,
        payload={
            "new": {
                "status": car.status,
                "source": car.source,
                "finding": capa_records.finding_label(session, car) or None,
                "department": dept.code,
                "clause": clause,
                "severity": severity,
                "description": text_,
            }
        },
    )
    return car


def _parse_source(value: str) -> CapaSource:
    try:
        return CapaSource(clean(value).lower().replace("-", "_"))
    except ValueError:
        raise ValidationError(
            "unknown source {value!r} (sources: {choices})",
            value=value,
            choices=Joined([s.value for s in CapaSource]),
        ) from None


def check_raise_from_finding(session: Session, actor: User) -> None:
    """Raising a corrective action from an audit finding: auditors and controllers."""
    users.require_role(
        session,
        actor,
        Role.AUDITOR,
        Role.CONTROLLER,
        action=Text("raise a corrective action from an audit finding"),
    )


def _finding_for(
    session: Session, actor: User, kind: CapaSource, finding: str | None
) -> Finding | None:
    if kind != CapaSource.AUDIT_FINDING:
        if finding:
            raise ValidationError("a finding reference goes with the source audit_finding")
        return None
    check_raise_from_finding(session, actor)
    if not finding:
        raise ValidationError(
            "a nonconformity from an audit needs its finding, e.g. IA-2026-01/2"
        ).about("finding")
    from qms.services.audits import planning as audits

    ref = capa_records.parse_finding_ref(finding)
    found: Finding = audits.get_finding(session, ref=ref.audit_ref, number=ref.number)
    existing = session.exec(
        select(CorrectiveActionRequest.ref).where(CorrectiveActionRequest.finding_id == found.id)
    ).first()
    if existing is not None:
        raise Conflict(
            "finding {finding} already has corrective action {car}",
            finding=f"{ref.audit_ref}/{ref.number}",
            car=existing,
        )
    return found


def _department(session: Session, code: str | None) -> Department:
    if not code or not clean(code):
        raise ValidationError("give the department of the nonconformity").about(
            "department", option="--dept"
        )
    return users.get_department(session, code)


def _next_number(session: Session, year: int) -> int:
    """The number of the next ``CAR-<year>-<NNN>``."""
    last = numbering.last_number(
        session,
        col(CorrectiveActionRequest.ref),
        col(CorrectiveActionRequest.year) == year,
        lock_key=_NUMBERING_LOCK_KEY,
    )
    return last + 1


# ------------------------------------------------------------------ contain / analyse / plan


def contain(
    session: Session, *, actor: User, ref: str, containment: str
) -> CorrectiveActionRequest:
    """Record the correction (sự khắc phục) that contains the effect now."""
    car = get_capa(session, ref, lock=True)
    check_contain(session, actor, car)
    car.containment = _required(containment, Text("describe the correction taken"), "containment")
    car.contained_by_id = actor.id
    car.contained_at = utcnow()
    set_status(
        session,
        actor=actor,
        car=car,
        status=CapaStatus.CONTAINED,
        action="contain",
        details={"containment": car.containment},
    )
    session.commit()
    return car


def analyse(
    session: Session,
    *,
    actor: User,
    ref: str,
    whys: Sequence[tuple[str, str]],
    cause_category: str,
    root_cause: str,
    similar_exist: str,
    similar_answer: str,
) -> CorrectiveActionRequest:
    """Record the root cause: a 5-whys chain (1 to 5 steps), a cause category, the root
    cause, and the answer to "do similar nonconformities exist or could they occur
    elsewhere?"."""
    car = get_capa(session, ref, lock=True)
    check_analyse(session, actor, car)
    chain = _whys(whys)
    category = _cause_category(cause_category)
    cause = _required(root_cause, Text("state the root cause"), "root_cause")
    similar = clean(similar_exist or "").lower()
    if similar not in SIMILAR_ANSWERS:
        raise ValidationError(
            "answer whether similar nonconformities exist or could occur elsewhere: {choices}",
            choices=Joined(SIMILAR_ANSWERS),
        ).about("similar_exist", option="--similar")
    answer = _required(
        similar_answer,
        Text("say where similar nonconformities were looked for and what was found"),
        "similar_answer",
    )
    for position, (question, because) in enumerate(chain, start=1):
        session.add(CapaWhy(capa_id=pk(car), position=position, question=question, answer=because))
    car.cause_category = category.value
    car.root_cause = cause
    car.similar_exist = similar
    car.similar_answer = answer
    car.analysed_by_id = actor.id
    car.analysed_at = utcnow()
    set_status(
        session,
        actor=actor,
        car=car,
        status=CapaStatus.CAUSE_ANALYSED,
        action="analyse",
        details={
            "whys": [list(w) for w in chain],
            "cause_category": category.value,
            "root_cause": cause,
            "similar_exist": similar,
            "similar_answer": answer,
        },
    )
    session.commit()
    return car


def _whys(whys: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    if not whys:
        raise ValidationError('record at least one "why?" and its answer').about(
            "why_question", option="--why QUESTION ANSWER"
        )
    if len(whys) > MAX_WHYS:
        raise ValidationError(
            "the 5-whys chain has {count} steps; at most {limit}", count=len(whys), limit=MAX_WHYS
        )
    chain = []
    for position, (question, answer) in enumerate(whys, start=1):
        q = one_line(question or "", field=Text("question of why {position}", position=position))
        a = one_line(answer or "", field=Text("answer to why {position}", position=position))
        if not q or not a:
            raise ValidationError(
                "why {position} needs both a question and an answer", position=position
            )
        chain.append((q, a))
    return chain


def _cause_category(value: str) -> CauseCategory:
    try:
        return CauseCategory(clean(value or "").lower())
    except ValueError:
        raise ValidationError(
            "unknown cause category {value!r} (categories: {choices})",
            value=value,
            choices=Joined([c.value for c in CauseCategory]),
        ) from None


def plan(session: Session, *, actor: User, ref: str) -> CorrectiveActionRequest:
    """Confirm the action plan (at least one action, added with ``capa_actions.add_action``)."""
    car = get_capa(session, ref, lock=True)
    check_plan(session, actor, car)
    actions = capa_records.actions_of(session, car)
    set_status(
        session,
        actor=actor,
        car=car,
        status=CapaStatus.ACTIONS_PLANNED,
        action="plan",
        details={"actions": [a.number for a in actions]},
    )
    session.commit()
    return car


# ------------------------------------------------------------------------------- close


def closure_problems(session: Session, car: CorrectiveActionRequest) -> list[Text]:
    """What still stands between the record and its closure (empty when it may close)."""
    problems = []
    actions = capa_records.actions_of(session, car)
    not_done = [a.number for a in actions if a.status != "done"]
    if not actions:
        problems.append(Text("no actions planned"))
    elif len(not_done) == 1:
        problems.append(Text("1 action not done ({numbers})", numbers=not_done[0]))
    elif not_done:
        problems.append(
            Text(
                "{count} actions not done ({numbers})",
                count=len(not_done),
                numbers=Joined(not_done),
            )
        )
    if car.status != CapaStatus.VERIFIED_EFFECTIVE:
        problems.append(Text("no effective verification"))
    return problems


def close(session: Session, *, actor: User, ref: str) -> CorrectiveActionRequest:
    """Close a record verified effective; its PDF is rendered and stored with its hash,
    and the record is locked from then on."""
    car = get_capa(session, ref, lock=True)
    check_close(session, actor, car)
    language = organisation.get_setting(session, "organisation.language") or "vi"
    car.closed_by_id = actor.id
    car.closed_at = utcnow()
    set_status(
        session,
        actor=actor,
        car=car,
        status=CapaStatus.CLOSED,
        action="close",
        details={"language": language},
    )
    data = capa_records.render_record(
        capa_records.record_data(session, car, language=language), pdfa=True
    )
    blob = blobs.put(session, data=data, media_type=blobs.PDF)
    car.record_sha256 = blob.sha256
    session.add(car)
    trail.record(
        session,
        actor=actor.username,
        action="capa.render",
        entity="capa",
        entity_id=car.ref,
        payload={"new": {"record_sha256": blob.sha256, "size": blob.size, "language": language}},
    )
    session.commit()
    return car
