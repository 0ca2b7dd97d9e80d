"""Results of quality objectives (ISO 9001 9.1): one per period, entered by the owner or
computed from imported figures, compared with the target of the version in force. A
result not met can open a nonconformity (source "objective not met") in one step."""

from sqlmodel import Session

from qms.clock import utcnow
from qms.domain import CapaSource, Role
from qms.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Text,
    ValidationError,
)
from qms.i18n import in_language
from qms.models import Department, Objective, ObjectiveResult, ObjectiveVersion, User, pk
from qms.services import blobs
from qms.services.capa import lifecycle as capa
from qms.services.fields import one_line
from qms.services.objectives import lifecycle, periods
from qms.services.objectives.lifecycle import FREQUENCY_WORDS, approved_version, get_objective
from qms.services.objectives.periods import Frequency, Period
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.text import clean

MAX_COMMENT = 4000
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def is_met(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "at_least" else value <= target


def result_of(session: Session, objective: Objective, period: str) -> ObjectiveResult | None:
    from sqlmodel import select

    return session.exec(
        select(ObjectiveResult).where(
            ObjectiveResult.objective_id == objective.id, ObjectiveResult.period == period
        )
    ).first()


def check_period(
    session: Session, objective: Objective, version: ObjectiveVersion, value: str
) -> Period:
    """A period of the objective's year and frequency that has ended."""
    period = periods.require(value)
    frequency = Frequency(version.frequency)
    if period.year != objective.year or not periods.fits(period, frequency):
        wanted = ", ".join(p.key for p in periods.of_year(objective.year, frequency))
        raise ValidationError(
            "{ref} is measured {frequency}: its periods are {periods}, not {value}",
            ref=objective.ref,
            frequency=FREQUENCY_WORDS[frequency.value],
            periods=wanted,
            value=period.key,
        ).about("period")
    if period.end >= organisation.today(session):
        raise ValidationError(
            "the period {period} has not ended yet: its result is entered after {end}",
            period=period.key,
            end=period.end.isoformat(),
        ).about("period")
    return period


def check_record(session: Session, actor: User, objective: Objective) -> ObjectiveVersion:
    """Only the owner of the approved version enters its results, and only those not
    computed from imported figures."""
    version = approved_version(session, objective)
    if version is None:
        raise InvalidTransition(
            "{ref} is not approved yet: results are entered for approved objectives",
            ref=objective.ref,
        )
    if version.owner_id != actor.id:
        raise PermissionDenied(
            "{user} cannot enter results of {ref}: only its owner can",
            user=actor.username,
            ref=objective.ref,
        )
    if version.measure != "entered":
        raise InvalidTransition(
            "the results of {ref} are computed from imported figures", ref=objective.ref
        )
    return version


def record_result(
    session: Session,
    *,
    actor: User,
    ref: str,
    period: str,
    value: str | float,
    comment: str = "",
    evidence: bytes | None = None,
    evidence_name: str = "",
    evidence_type: str = "application/octet-stream",
) -> ObjectiveResult:
    """The owner enters the result of one period, with a comment and an evidence file."""
    objective = get_objective(session, ref)
    version = check_record(session, actor, objective)
    found = check_period(session, objective, version, period)
    try:
        number = lifecycle.number(
            value, Text("the result must be a number, not {value!r}", value=str(value))
        )
    except ValidationError as refused:
        raise refused.about("value") from None
    note = clean(comment or "")
    if len(note) > MAX_COMMENT:
        raise ValidationError(
            "the comment is longer than {limit:,} characters", limit=MAX_COMMENT
        ).about("comment")
    name = one_line(evidence_name or "", field=Text("evidence file name"))[:200]
    if evidence is not None and len(evidence) > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            "the evidence file is larger than {limit:,} bytes", limit=MAX_EVIDENCE_BYTES
        )
    if evidence is not None and not name:
        raise ValidationError("give the evidence file's name")
    if result_of(session, objective, found.key) is not None:
        raise Conflict(
            "{ref} already has a result for {period}", ref=objective.ref, period=found.key
        ).about("period")
    key = blobs.put(session, data=evidence, media_type=evidence_type).sha256 if evidence else None
    result = _add(session, actor, objective, version, found, number, "entered", note, key, name)
    session.commit()
    return result


def add_computed(
    session: Session,
    *,
    actor: User,
    objective: Objective,
    version: ObjectiveVersion,
    period: Period,
    value: float,
) -> ObjectiveResult:
    """A result computed from imported figures; the caller commits."""
    return _add(session, actor, objective, version, period, value, "computed", "", None, "")


def _add(
    session: Session,
    actor: User,
    objective: Objective,
    version: ObjectiveVersion,
    period: Period,
    value: float,
    origin: str,
    comment: str,
    evidence: str | None,
    evidence_name: str,
) -> ObjectiveResult:
    result = ObjectiveResult(
        objective_id=pk(objective),
        version_id=pk(version),
        period=period.key,
        period_end=period.end,
        value=value,
        target=version.target,
        direction=version.direction,
        met=is_met(value, version.target, version.direction),
        origin=origin,
        comment=comment,
        evidence_sha256=evidence,
        evidence_name=evidence_name,
        recorded_by_id=pk(actor),
        recorded_at=utcnow(),
    )
    session.add(result)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="objective.result",
        entity="objective",
        entity_id=objective.ref,
        payload={
            "new": {
                "period": period.key,
                "value": value,
                "target": version.target,
                "direction": version.direction,
                "met": result.met,
                "origin": origin,
                "version": version.version,
                "comment": comment,
                "evidence_sha256": evidence,
            }
        },
    )
    return result


# ------------------------------------------------------------------ not met -> nonconformity


def check_raise(
    session: Session, actor: User, objective: Objective, result: ObjectiveResult
) -> None:
    if result.met:
        raise InvalidTransition(
            "{ref} met its target in {period}: there is no nonconformity to open",
            ref=objective.ref,
            period=result.period,
        )
    if result.capa_id is not None:
        raise Conflict(
            "{ref} {period} already opened a nonconformity", ref=objective.ref, period=result.period
        )
    version = session.get(ObjectiveVersion, result.version_id)
    owner = version.owner_id if version else None
    if actor.id != owner and Role.CONTROLLER not in users.roles_of(session, actor):
        raise PermissionDenied(
            "{user} cannot open a nonconformity from {ref}: it needs its owner or a controller",
            user=actor.username,
            ref=objective.ref,
        )


def raise_nonconformity(session: Session, *, actor: User, ref: str, period: str) -> str:
    """Open a nonconformity from a result not met, with its figures; returns its ref."""
    objective = get_objective(session, ref)
    result = result_of(session, objective, periods.require(period).key)
    if result is None:
        raise NotFound("{ref} has no result for {period}", ref=objective.ref, period=period)
    check_raise(session, actor, objective, result)
    version = session.get(ObjectiveVersion, result.version_id)
    assert version is not None
    dept = _department(session, objective, version)
    language = organisation.get_setting(session, "organisation.language") or "vi"
    description = Text(
        "Quality objective {ref} not met in {period}: {indicator}: result {value} {unit}, "
        "target {direction} {target} {unit}.",
        ref=objective.ref,
        period=result.period,
        indicator=version.indicator,
        value=_figure(result.value),
        unit=version.unit,
        direction=Text("at least") if result.direction == "at_least" else Text("at most"),
        target=_figure(result.target),
    )
    car = capa.add_nonconformity(
        session,
        actor=actor,
        source=CapaSource.OBJECTIVE_NOT_MET.value,
        description=in_language(description, language),
        department=dept.code,
        clause="6.2",
        severity="minor",
    )
    result.capa_id = pk(car)
    session.add(result)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="objective.nonconformity",
        entity="objective",
        entity_id=objective.ref,
        payload={"new": {"period": result.period, "capa": car.ref}},
    )
    session.commit()
    return car.ref


def _department(session: Session, objective: Objective, version: ObjectiveVersion) -> Department:
    """The objective's department; for the organisation's, the owner's."""
    dept_id = objective.department_id
    if dept_id is None:
        owner = session.get(User, version.owner_id)
        dept_id = owner.department_id if owner else None
    if dept_id is None:
        raise ValidationError(
            "{ref} has no department to open the nonconformity in", ref=objective.ref
        )
    return users.department_by_id(session, dept_id)


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def evidence_of(session: Session, *, ref: str, period: str) -> tuple[str, str, bytes]:
    """The evidence file kept with a result: its name, media type and bytes."""
    objective = get_objective(session, ref)
    result = result_of(session, objective, periods.require(period).key)
    if result is None or not result.evidence_sha256:
        raise NotFound("{ref} has no evidence file for {period}", ref=objective.ref, period=period)
    blob = blobs.get(session, result.evidence_sha256)
    return result.evidence_name, blob.media_type, blobs.data_of(session, blob.sha256)
