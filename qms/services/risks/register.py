"""Entering, assessing, treating and reviewing risks and opportunities.

A risk belongs to a department (and names the process it threatens). The coordinator
(controller) keeps every department's risks; a reviewer or approver (a department's
head) keeps their own department's. Every change is on the trail with the old and new
values, in the same transaction.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import Role
from qms.errors import Conflict, NotFound, PermissionDenied, Text, ValidationError, either
from qms.models import Department, Risk, User, pk
from qms.services import numbering
from qms.services.fields import one_line
from qms.services.people import organisation, users
from qms.services.risks import scale as scales
from qms.services.trail import chain as trail
from qms.text import clean

KINDS = ("risk", "opportunity")
TREATMENTS = {"risk": ("accept", "reduce", "avoid"), "opportunity": ("accept", "exploit")}
OPEN, CLOSED = "open", "closed"
_NUMBERING_LOCK_KEY = 0x514D5249
_MAX_TEXT = 20_000


def get_risk(session: Session, ref: str) -> Risk:
    found = session.exec(select(Risk).where(Risk.ref == clean(ref).upper())).first()
    if found is None:
        raise NotFound("no risk or opportunity {ref}", ref=ref)
    return found


def can_edit(session: Session, actor: User, risk_department_id: int) -> bool:
    """The coordinator edits every risk; a department's reviewer or approver its own."""
    return editor(session, actor)(risk_department_id)


def editor(session: Session, actor: User) -> Callable[[int], bool]:
    """:func:`can_edit` for many risks, the actor's roles read once: given a risk's
    department id, whether ``actor`` may change it."""
    roles = users.roles_of(session, actor)
    if Role.CONTROLLER in roles:
        return lambda _department_id: True
    own = bool(roles & {Role.REVIEWER, Role.APPROVER})
    return lambda department_id: own and actor.department_id == department_id


def check_edit(session: Session, actor: User, department: Department) -> None:
    if not can_edit(session, actor, pk(department)):
        raise PermissionDenied(
            "{user} cannot change the risks of {dept}: it needs a controller, or a reviewer "
            "or approver of that department",
            user=actor.username,
            dept=department.code,
        )


def add_risk(
    session: Session,
    *,
    actor: User,
    kind: str,
    department: str,
    title: str,
    likelihood: int,
    impact: int,
    treatment: str,
    next_review: date,
    process: str = "",
    cause: str = "",
    effect: str = "",
) -> Risk:
    """Enter a risk or an opportunity with its first assessment and treatment."""
    dept = users.get_department(session, department)
    check_edit(session, actor, dept)
    if kind not in KINDS:
        raise ValidationError(
            "a register entry is {choices}, not {kind!r}", choices=either(KINDS), kind=kind
        )
    _check_treatment(kind, treatment)
    scale = scales.current(session)
    scales.check(scale, likelihood, impact)
    _check_review(session, next_review)
    risk = Risk(
        ref=_next_ref(session),
        kind=kind,
        department_id=pk(dept),
        process=_line(process, Text("process"), 200),
        title=_line(title, Text("name of the risk or opportunity"), 300, required=True),
        cause=_long(cause, Text("cause")),
        effect=_long(effect, Text("effect")),
        likelihood=likelihood,
        impact=impact,
        level=scale.level(likelihood, impact),
        treatment=treatment,
        next_review=next_review,
        created_by_id=pk(actor),
        created_at=utcnow(),
    )
    session.add(risk)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="risk.add",
        entity="risk",
        entity_id=risk.ref,
        payload={"new": {**_state(risk), "department": dept.code}},
    )
    session.commit()
    return risk


def reassess(
    session: Session,
    *,
    actor: User,
    ref: str,
    likelihood: int | None = None,
    impact: int | None = None,
    treatment: str | None = None,
    residual_likelihood: int | None = None,
    residual_impact: int | None = None,
    next_review: date | None = None,
    close: bool = False,
) -> Risk:
    """Assess again: the level before treatment, the treatment, the level after it
    (residual), and the next review date. Each review is on the trail; ``close`` takes a
    risk out of the open register (it stays on record)."""
    risk = get_risk(session, ref)
    check_edit(session, actor, department_of(session, risk))
    if risk.status == CLOSED:
        raise Conflict("{ref} is closed", ref=risk.ref)
    old = _state(risk)
    scale = scales.current(session)
    risk.likelihood = likelihood if likelihood is not None else risk.likelihood
    risk.impact = impact if impact is not None else risk.impact
    scales.check(scale, risk.likelihood, risk.impact)
    risk.level = scale.level(risk.likelihood, risk.impact)
    if treatment is not None:
        _check_treatment(risk.kind, treatment)
        risk.treatment = treatment
    if (residual_likelihood is None) != (residual_impact is None):
        raise ValidationError("give both the likelihood and the impact after treatment")
    if residual_likelihood is not None and residual_impact is not None:
        scales.check(scale, residual_likelihood, residual_impact)
        risk.residual_likelihood, risk.residual_impact = residual_likelihood, residual_impact
        risk.residual_level = scale.level(residual_likelihood, residual_impact)
    if next_review is not None:
        _check_review(session, next_review)
        risk.next_review = next_review
    elif not close:
        raise ValidationError("give the date of the next review of {ref}", ref=risk.ref)
    if close:
        risk.status = CLOSED
    risk.reviewed_at = utcnow()
    session.add(risk)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="risk.close" if close else "risk.review",
        entity="risk",
        entity_id=risk.ref,
        payload={"old": old, "new": _state(risk)},
    )
    session.commit()
    return risk


def set_scale(session: Session, *, actor: User, value: str) -> scales.Scale:
    """Change the organisation's scale (the coordinator). Levels already recorded keep
    the scale they were assessed on until the risk is next reviewed."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("change the risk scale"))
    scale = scales.parse(value)
    organisation.set_setting(session, actor=actor.username, key=scales.SETTING, value=scale.text())
    session.commit()
    return scale


def _state(risk: Risk) -> dict[str, Any]:
    return {
        "kind": risk.kind,
        "process": risk.process,
        "title": risk.title,
        "cause": risk.cause,
        "effect": risk.effect,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "level": risk.level,
        "treatment": risk.treatment,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "residual_level": risk.residual_level,
        "next_review": risk.next_review.isoformat(),
        "status": risk.status,
    }


def department_of(session: Session, risk: Risk) -> Department:
    dept = session.get(Department, risk.department_id)
    assert dept is not None  # a foreign key
    return dept


def _check_treatment(kind: str, treatment: str) -> None:
    allowed = TREATMENTS[kind]
    if treatment in allowed:
        return
    if kind == "risk":
        raise ValidationError(
            "the treatment of a risk is {choices}, not {treatment!r}",
            choices=either(allowed),
            treatment=treatment,
        )
    raise ValidationError(
        "the treatment of an opportunity is {choices}, not {treatment!r}",
        choices=either(allowed),
        treatment=treatment,
    )


def _check_review(session: Session, when: date) -> None:
    if when <= organisation.today(session):
        raise ValidationError(
            "the next review must be after today, not {date}", date=when.isoformat()
        )


def _line(value: str, field: Text, limit: int, *, required: bool = False) -> str:
    text_ = one_line(value, field=field)
    if required and not text_:
        raise ValidationError("the {field} is empty", field=field)
    if len(text_) > limit:
        raise ValidationError(
            "the {field} is longer than {limit} characters", field=field, limit=limit
        )
    return text_


def _long(value: str, field: Text) -> str:
    text_ = clean(value)
    if len(text_) > _MAX_TEXT:
        raise ValidationError(
            "the {field} is longer than {limit:,} characters", field=field, limit=_MAX_TEXT
        )
    return text_


def _next_ref(session: Session) -> str:
    last = numbering.last_number(session, col(Risk.ref), lock_key=_NUMBERING_LOCK_KEY)
    return f"RR-{last + 1:03d}"
