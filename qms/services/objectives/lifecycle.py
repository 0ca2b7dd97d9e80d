"""Drafting, approving and revising quality objectives.

An objective belongs to one year, and to the organisation or one department. Its first
version is drafted by the coordinator (controller) or by a leader of its department, and
approved by an approver who did not draft it, with the password typed again; the
approved version is locked. A change after approval is a new version with a reason,
approved the same way; the version it replaces is then superseded.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from qms.clock import naive_utc, utcnow
from qms.domain import Role
from qms.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Text,
    ValidationError,
    either,
)
from qms.models import Department, Document, Objective, ObjectiveVersion, User, pk
from qms.services import numbering
from qms.services.fields import one_line
from qms.services.objectives.periods import Frequency
from qms.services.people import organisation, signing, users
from qms.services.people.signing import SigningLimits
from qms.services.trail import chain as trail
from qms.services.trail.chain import canonical
from qms.text import clean

DIRECTIONS = ("at_least", "at_most")
MEASURES = ("entered", "on_time_rate", "satisfaction_rate")
SCOPE_KINDS = ("field", "procedure", "department")
DRAFT, APPROVED, SUPERSEDED = "draft", "approved", "superseded"
_NUMBERING_LOCK_KEY = 0x514D4F42
_LIMITS = {"indicator": 300, "unit": 40, "plan_who": 300, "plan_when": 200, "scope_value": 200}
_TEXTS = ("plan_what", "plan_resources", "evaluation")
# The fields' names in messages.
FIELD_WORDS = {
    "indicator": Text("indicator"),
    "unit": Text("unit"),
    "plan_who": Text("who carries out the plan"),
    "plan_when": Text("when the plan is carried out"),
    "scope_value": Text("scope"),
    "plan_what": Text("plan"),
    "plan_resources": Text("resources"),
    "evaluation": Text("evaluation method"),
}
FREQUENCY_WORDS = {
    "monthly": Text("monthly"),
    "quarterly": Text("quarterly"),
    "half_yearly": Text("half-yearly"),
}
_MAX_TEXT = 20_000
# The fields a version's content is made of (and its signature is bound to).
CONTENT_FIELDS = (
    "indicator",
    "unit",
    "target",
    "direction",
    "frequency",
    "owner",
    "measure",
    "scope_kind",
    "scope_value",
    "plan_what",
    "plan_resources",
    "plan_who",
    "plan_when",
    "evaluation",
    "reason",
)


@dataclass(frozen=True)
class Content:
    """What one version says, checked."""

    indicator: str
    unit: str
    target: float
    direction: str
    frequency: str
    owner: User
    measure: str
    scope_kind: str
    scope_value: str
    plan_what: str
    plan_resources: str
    plan_who: str
    plan_when: str
    evaluation: str


# ------------------------------------------------------------------------------ reading


def get_objective(session: Session, ref: str) -> Objective:
    found = session.exec(select(Objective).where(Objective.ref == clean(ref).upper())).first()
    if found is None:
        raise NotFound("no quality objective {ref}", ref=ref)
    return found


def get_objective_by_id(session: Session, objective_id: int) -> Objective:
    found = session.get(Objective, objective_id)
    if found is None:
        raise NotFound("no quality objective {ref}", ref=str(objective_id))
    return found


def versions_of(session: Session, objective: Objective) -> list[ObjectiveVersion]:
    return list(
        session.exec(
            select(ObjectiveVersion)
            .where(ObjectiveVersion.objective_id == objective.id)
            .order_by(col(ObjectiveVersion.version))
        ).all()
    )


def approved_version(session: Session, objective: Objective) -> ObjectiveVersion | None:
    """The version in force (approved and not superseded)."""
    return session.exec(
        select(ObjectiveVersion).where(
            ObjectiveVersion.objective_id == objective.id, ObjectiveVersion.status == APPROVED
        )
    ).first()


def in_force_at(
    session: Session, *, document: Document, at: datetime
) -> list[tuple[Objective, ObjectiveVersion]]:
    """The objectives tied to ``document`` with the version of each in force at ``at``
    (the latest approved by then), by year and reference: what an issue of the document
    rendered at ``at`` lists. A version approved later does not change that list."""
    rows = session.exec(
        select(Objective, ObjectiveVersion)
        .join(ObjectiveVersion, col(ObjectiveVersion.objective_id) == Objective.id)
        .where(Objective.document_id == document.id)
        .where(col(ObjectiveVersion.approved_at).is_not(None))
        .order_by(
            col(Objective.year),
            *numbering.in_order(col(Objective.ref)),
            col(ObjectiveVersion.version),
        )
    ).all()
    cutoff = naive_utc(at)
    listed: dict[int, tuple[Objective, ObjectiveVersion]] = {}
    for objective, version in rows:
        if version.approved_at is not None and naive_utc(version.approved_at) <= cutoff:
            listed[pk(objective)] = (objective, version)
    return list(listed.values())


def owner_of(session: Session, objective: Objective) -> str:
    """The username of the owner of the latest version."""
    owner = session.get(User, versions_of(session, objective)[-1].owner_id)
    return owner.username if owner else ""


def version_hash(session: Session, objective: Objective, version: ObjectiveVersion) -> str:
    """SHA-256 of what a version says; the approval signature is bound to it."""
    owner = session.get(User, version.owner_id)
    dept = session.get(Department, objective.department_id) if objective.department_id else None
    content: dict[str, Any] = {
        "ref": objective.ref,
        "year": objective.year,
        "department": dept.code if dept else "",
        "version": version.version,
        **{name: getattr(version, name) for name in CONTENT_FIELDS if name != "owner"},
        "owner": owner.username if owner else "",
    }
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def signature_valid(session: Session, objective: Objective, version: ObjectiveVersion) -> bool:
    """An approval holds only while the version still says what was signed."""
    return bool(version.approved_hash) and version.approved_hash == version_hash(
        session, objective, version
    )


# ------------------------------------------------------------------------------ drafting


def check_draft(session: Session, actor: User, department: Department | None) -> None:
    """The coordinator (controller) drafts any objective; a reviewer or approver drafts
    those of their own department."""
    roles = users.roles_of(session, actor)
    if Role.CONTROLLER in roles:
        return
    if (
        department is not None
        and actor.department_id == department.id
        and roles & {Role.REVIEWER, Role.APPROVER}
    ):
        return
    raise PermissionDenied(
        "{user} cannot draft this quality objective: it needs a controller, or a reviewer "
        "or approver of its department",
        user=actor.username,
    )


def draft_objective(
    session: Session,
    *,
    actor: User,
    year: int,
    department: str | None,
    document: str | None = None,
    **fields: Any,
) -> ObjectiveVersion:
    """A new objective for ``year`` (of ``department``, or of the organisation when None)
    as version 1, a draft. ``fields`` are the content (see :data:`CONTENT_FIELDS`)."""
    this_year = organisation.today(session).year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError(
            "objectives are set for a year from {low} to {high}, not {year}",
            low=2000,
            high=this_year + 1,
            year=year,
        )
    dept = users.get_department(session, department) if department else None
    check_draft(session, actor, dept)
    content = _content(session, fields)
    doc = _document(session, document)
    now = utcnow()
    objective = Objective(
        ref=_next_ref(session, year),
        year=year,
        department_id=dept.id if dept else None,
        document_id=doc.id if doc else None,
        created_at=now,
    )
    session.add(objective)
    session.flush()
    version = _new_version(session, objective, 1, content, reason="", actor=actor)
    trail.record(
        session,
        actor=actor.username,
        action="objective.draft",
        entity="objective",
        entity_id=objective.ref,
        payload={
            "new": {
                "year": year,
                "department": dept.code if dept else None,
                "document": doc.code if doc else None,
                **_payload(content),
            }
        },
    )
    session.commit()
    return version


def revise_objective(
    session: Session, *, actor: User, ref: str, reason: str | None = None, **changes: Any
) -> ObjectiveVersion:
    """Change a draft in place (its drafter), or after approval start a new draft version
    that carries the reason for the change."""
    objective = get_objective(session, ref)
    dept = session.get(Department, objective.department_id) if objective.department_id else None
    check_draft(session, actor, dept)
    latest = versions_of(session, objective)[-1]
    old = _fields_of(session, latest)
    merged = {**old, **{k: v for k, v in changes.items() if v is not None}}
    content = _content(session, merged)
    why = clean(reason or "")
    if len(why) > _MAX_TEXT:
        raise ValidationError("the reason is longer than {limit:,} characters", limit=_MAX_TEXT)
    if latest.status == DRAFT:
        if latest.drafted_by_id != actor.id:
            raise PermissionDenied(
                "{user} cannot change the draft of {ref}: only its drafter can",
                user=actor.username,
                ref=objective.ref,
            )
        _apply(latest, content)
        latest.reason = why or latest.reason
        if latest.version > 1 and not latest.reason:
            raise ValidationError("give the reason for changing {ref}", ref=objective.ref).about(
                "reason"
            )
        latest.content_hash = version_hash(session, objective, latest)
        session.add(latest)
        version = latest
        action = "objective.edit"
    else:
        if not why:
            raise ValidationError(
                "{ref} is approved: give the reason for the new version", ref=objective.ref
            ).about("reason")
        version = _new_version(session, objective, latest.version + 1, content, why, actor)
        action = "objective.revise"
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action=action,
        entity="objective",
        entity_id=objective.ref,
        payload={"old": old, "new": {**_payload(content), "reason": version.reason}},
    )
    session.commit()
    return version


# ------------------------------------------------------------------------------ approving


def check_approve(session: Session, actor: User, version: ObjectiveVersion, ref: str) -> None:
    if version.status != DRAFT:
        raise InvalidTransition("{ref} has no draft to approve", ref=ref)
    users.require_role(session, actor, Role.APPROVER, action=Text("approve quality objectives"))
    if version.drafted_by_id == actor.id:
        raise PermissionDenied(
            "{user} drafted version {version} of {ref} and cannot approve it",
            user=actor.username,
            version=version.version,
            ref=ref,
        )


def approve_objectives(
    session: Session,
    *,
    actor: User,
    refs: list[str],
    password: str,
    limits: SigningLimits | None = None,
) -> list[ObjectiveVersion]:
    """Sign the drafts of ``refs`` as approved (the password typed again, once for all, as
    a leader signs the year's list); each version it replaces is superseded in the same
    transaction. One refusal approves none; a wrong password counts towards the signing
    lock-out as any signature does (see :mod:`qms.services.people.signing`)."""
    if not refs:
        raise ValidationError("name the objectives to approve")
    drafts = []
    for ref in dict.fromkeys(clean(r).upper() for r in refs):
        objective = get_objective(session, ref)
        draft = versions_of(session, objective)[-1]
        check_approve(session, actor, draft, objective.ref)
        drafts.append((objective, draft))
    signing.confirm_signer(
        session,
        signer=actor,
        password=password,
        limits=limits,
        entity="objective",  # one attempt, however many objectives it signs
        entity_id=", ".join(objective.ref for objective, _ in drafts),
        meaning="approved",
    )
    for objective, draft in drafts:
        _approve(session, actor, objective, draft)
    session.commit()
    return [draft for _, draft in drafts]


def _approve(session: Session, actor: User, objective: Objective, draft: ObjectiveVersion) -> None:
    previous = approved_version(session, objective)
    if previous is not None:
        previous.status = SUPERSEDED
        session.add(previous)
        session.flush()
    signed = version_hash(session, objective, draft)
    draft.status = APPROVED
    draft.content_hash = signed
    draft.approved_hash = signed
    draft.approved_by_id = pk(actor)
    draft.approved_at = utcnow()
    draft.approver_name = actor.full_name
    draft.approver_position = actor.position
    session.add(draft)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="objective.approve",
        entity="objective",
        entity_id=objective.ref,
        payload={
            "new": {"version": draft.version, "status": APPROVED, "content_hash": signed},
            "superseded": previous.version if previous else None,
        },
    )


# ------------------------------------------------------------------------------ helpers


def _new_version(
    session: Session,
    objective: Objective,
    number: int,
    content: Content,
    reason: str,
    actor: User,
) -> ObjectiveVersion:
    version = ObjectiveVersion(
        objective_id=pk(objective),
        version=number,
        status=DRAFT,
        indicator="",
        unit="",
        target=0.0,
        direction="",
        frequency="",
        owner_id=pk(content.owner),
        measure="",
        reason=reason,
        content_hash="",
        drafted_by_id=pk(actor),
        drafted_at=utcnow(),
    )
    _apply(version, content)
    version.content_hash = version_hash(session, objective, version)
    session.add(version)
    session.flush()
    return version


def _apply(version: ObjectiveVersion, content: Content) -> None:
    for name in CONTENT_FIELDS:
        if name == "owner":
            version.owner_id = pk(content.owner)
        elif name != "reason":
            setattr(version, name, getattr(content, name))


def _fields_of(session: Session, version: ObjectiveVersion) -> dict[str, Any]:
    owner = session.get(User, version.owner_id)
    fields = {name: getattr(version, name) for name in CONTENT_FIELDS if name != "owner"}
    fields["owner"] = owner.username if owner else ""
    fields.pop("reason")
    return fields


def _payload(content: Content) -> dict[str, Any]:
    return {
        name: (content.owner.username if name == "owner" else getattr(content, name))
        for name in CONTENT_FIELDS
        if name != "reason"
    }


def _content(session: Session, fields: dict[str, Any]) -> Content:
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationError("unknown objective field {name}", name=sorted(unknown)[0])
    lines = {}
    for name, limit in _LIMITS.items():
        value = one_line(str(fields.get(name) or ""), field=FIELD_WORDS[name])
        if len(value) > limit:
            raise ValidationError(
                "the {field} is longer than {limit} characters",
                field=FIELD_WORDS[name],
                limit=limit,
            )
        lines[name] = value
    texts = {}
    for name in _TEXTS:
        value = clean(str(fields.get(name) or ""))
        if len(value) > _MAX_TEXT:
            raise ValidationError(
                "the {field} is longer than {limit:,} characters",
                field=FIELD_WORDS[name],
                limit=_MAX_TEXT,
            )
        texts[name] = value
    if not lines["indicator"]:
        raise ValidationError("give the objective's indicator").about("indicator")
    if not lines["unit"]:
        raise ValidationError("give the unit of the indicator, e.g. %").about("unit")
    raw = fields.get("target")
    try:
        target = number(raw, Text("the target must be a number, not {value!r}", value=str(raw)))
    except ValidationError as refused:
        raise refused.about("target") from None
    direction = _choice(fields.get("direction"), DIRECTIONS, Text("direction"))
    frequency = _choice(fields.get("frequency"), [f.value for f in Frequency], Text("frequency"))
    measure = _choice(fields.get("measure") or "entered", MEASURES, Text("measure"))
    scope_kind = clean(str(fields.get("scope_kind") or "")).lower()
    if scope_kind and scope_kind not in SCOPE_KINDS:
        raise ValidationError("the scope is one of {choices}", choices=either(SCOPE_KINDS))
    if bool(scope_kind) != bool(lines["scope_value"]):
        raise ValidationError("a scope needs both its kind and its value (--scope KIND VALUE)")
    if measure == "entered" and scope_kind:
        raise ValidationError("a scope applies to results computed from imported data only")
    if measure == "satisfaction_rate" and scope_kind not in ("", "field"):
        raise ValidationError("satisfaction is measured per field only")
    owner_name = clean(str(fields.get("owner") or ""))
    if not owner_name:
        raise ValidationError("give the objective's owner").about("owner")
    owner = users.get_active_user(session, owner_name)
    return Content(
        indicator=lines["indicator"],
        unit=lines["unit"],
        target=target,
        direction=direction,
        frequency=frequency,
        owner=owner,
        measure=measure,
        scope_kind=scope_kind,
        scope_value=lines["scope_value"],
        plan_what=texts["plan_what"],
        plan_resources=texts["plan_resources"],
        plan_who=lines["plan_who"],
        plan_when=lines["plan_when"],
        evaluation=texts["evaluation"],
    )


def number(value: Any, refusal: Text) -> float:
    """A figure as people type it (``98``, ``97,5``); anything else, or not finite, is
    refused with ``refusal``."""
    try:
        found = float(str(value).strip().replace(",", "."))
    except ValueError:
        found = math.nan
    if not math.isfinite(found):
        raise ValidationError(refusal)
    return found


def _choice(value: Any, choices: Any, field: Text) -> str:
    cleaned = clean(str(value or "")).lower().replace("-", "_")
    if cleaned not in choices:
        raise ValidationError(
            "the {field} is one of {choices}, not {value!r}",
            field=field,
            choices=either(list(choices)),
            value=str(value or ""),
        )
    return cleaned


def _document(session: Session, code: str | None) -> Document | None:
    if not code:
        return None
    doc = session.exec(select(Document).where(Document.code == clean(code).upper())).first()
    if doc is None:
        raise NotFound("no document with code {code!r}", code=code)
    return doc


def _next_ref(session: Session, year: int) -> str:
    last = numbering.last_number(
        session, col(Objective.ref), col(Objective.year) == year, lock_key=_NUMBERING_LOCK_KEY
    )
    if last >= 999:
        raise Conflict("the year {year} already has 999 quality objectives", year=year)
    return f"MT-{year}-{last + 1:02d}"
