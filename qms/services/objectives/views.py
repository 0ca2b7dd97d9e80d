"""Read views of quality objectives, as plain data for the command line, the API, reports
and charts: each objective's version in force (or its draft), its results with met / not
met and the trend against the period before, and the steps the viewer may take."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from qms.clock import naive_utc
from qms.errors import PermissionDenied, QMSError
from qms.models import (
    CorrectiveActionRequest,
    Department,
    Document,
    Objective,
    ObjectiveResult,
    ObjectiveVersion,
    Revision,
    User,
)
from qms.services import numbering
from qms.services.documents import register as documents
from qms.services.objectives import lifecycle, periods, results
from qms.services.people import organisation


@dataclass(frozen=True)
class ResultView:
    period: str
    value: float
    target: float
    direction: str
    met: bool
    # Against the period before: better | worse | same ("" for the first result).
    trend: str
    origin: str
    comment: str
    evidence_sha256: str | None
    evidence_name: str
    nonconformity: str | None
    recorded_by: str
    recorded_at: datetime
    # What the viewer may do with it: "nonconformity" (open one from a result not met).
    steps: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ObjectiveView:
    ref: str
    year: int
    department: str | None
    document: str | None
    version: int
    status: str
    indicator: str
    unit: str
    target: float
    direction: str
    frequency: str
    owner: str
    measure: str
    scope_kind: str
    scope_value: str
    plan_what: str
    plan_resources: str
    plan_who: str
    plan_when: str
    evaluation: str
    reason: str
    drafted_by: str
    approved_by: str | None
    approved_at: datetime | None
    signature_valid: bool
    results: list[ResultView] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    # The issue of ``document`` in force, and whether it lists an older version of this
    # objective (or none) than the one approved since: the document needs a new issue.
    document_issue: int | None = None
    document_lists_older: bool = False


def trend(value: float, before: float | None, direction: str) -> str:
    if before is None:
        return ""
    if value == before:
        return "same"
    better = value > before if direction == "at_least" else value < before
    return "better" if better else "worse"


def objective_view(session: Session, ref: str, viewer: User | None = None) -> ObjectiveView:
    objective = lifecycle.get_objective(session, ref)
    versions = lifecycle.versions_of(session, objective)
    shown = versions[-1]
    names = dict(session.exec(select(User.id, User.username)).all())
    dept = session.get(Department, objective.department_id) if objective.department_id else None
    doc = session.get(Document, objective.document_id) if objective.document_id else None
    in_force = documents.effective_revision(session, doc) if doc else None
    rows = session.exec(
        select(ObjectiveResult, CorrectiveActionRequest.ref)
        .outerjoin(
            CorrectiveActionRequest,
            col(CorrectiveActionRequest.id) == ObjectiveResult.capa_id,
        )
        .where(ObjectiveResult.objective_id == objective.id)
        .order_by(col(ObjectiveResult.period_end))
    ).all()
    shown_results: list[ResultView] = []
    before: float | None = None
    for result, car in rows:
        shown_results.append(
            ResultView(
                period=result.period,
                value=result.value,
                target=result.target,
                direction=result.direction,
                met=result.met,
                trend=trend(result.value, before, result.direction),
                origin=result.origin,
                comment=result.comment,
                evidence_sha256=result.evidence_sha256,
                evidence_name=result.evidence_name,
                nonconformity=car,
                recorded_by=names.get(result.recorded_by_id, ""),
                recorded_at=result.recorded_at,
                steps=_result_steps(session, viewer, objective, result) if viewer else [],
            )
        )
        before = result.value
    return ObjectiveView(
        ref=objective.ref,
        year=objective.year,
        department=dept.code if dept else None,
        document=doc.code if doc else None,
        version=shown.version,
        status=shown.status,
        indicator=shown.indicator,
        unit=shown.unit,
        target=shown.target,
        direction=shown.direction,
        frequency=shown.frequency,
        owner=names.get(shown.owner_id, ""),
        measure=shown.measure,
        scope_kind=shown.scope_kind,
        scope_value=shown.scope_value,
        plan_what=shown.plan_what,
        plan_resources=shown.plan_resources,
        plan_who=shown.plan_who,
        plan_when=shown.plan_when,
        evaluation=shown.evaluation,
        reason=shown.reason,
        drafted_by=names.get(shown.drafted_by_id, ""),
        approved_by=names.get(shown.approved_by_id) if shown.approved_by_id else None,
        approved_at=shown.approved_at,
        signature_valid=lifecycle.signature_valid(session, objective, shown),
        results=shown_results,
        steps=_steps(session, viewer, objective) if viewer else [],
        document_issue=in_force.issue if in_force else None,
        document_lists_older=_approved_since(
            lifecycle.approved_version(session, objective), in_force
        ),
    )


def _approved_since(version: ObjectiveVersion | None, issue: Revision | None) -> bool:
    """The version in force was approved after ``issue`` took effect, so the controlled
    copy of that issue (rendered then, never again) does not list it."""
    if version is None or version.approved_at is None:
        return False
    if issue is None or issue.effective_at is None:
        return False
    return naive_utc(version.approved_at) > naive_utc(issue.effective_at)


def list_objectives(
    session: Session, *, year: int, viewer: User | None = None
) -> list[ObjectiveView]:
    refs = session.exec(
        select(Objective.ref)
        .where(Objective.year == year)
        .order_by(*numbering.in_order(col(Objective.ref)))
    ).all()
    return [objective_view(session, ref, viewer) for ref in refs]


def _steps(session: Session, viewer: User, objective: Objective) -> list[str]:
    """The commands the viewer may run now, found by the commands' own checks."""
    steps = []
    latest = lifecycle.versions_of(session, objective)[-1]
    dept = session.get(Department, objective.department_id) if objective.department_id else None
    if _allowed(lambda: lifecycle.check_approve(session, viewer, latest, objective.ref)):
        steps.append("approve")
    if _allowed(lambda: lifecycle.check_draft(session, viewer, dept)):
        steps.append("revise")
    if _allowed(lambda: results.check_record(session, viewer, objective)):
        steps.append("result")
    return steps


def periods_to_enter(session: Session, view: ObjectiveView) -> list[str]:
    """The ended periods of the objective's year still without a result, the ones its
    owner may enter next (the entry itself checks again)."""
    today = organisation.today(session)
    done = {r.period for r in view.results}
    return [
        p.key
        for p in periods.of_year(view.year, periods.Frequency(view.frequency))
        if p.end < today and p.key not in done
    ]


def _result_steps(
    session: Session, viewer: User, objective: Objective, result: ObjectiveResult
) -> list[str]:
    check = results.check_raise
    return ["nonconformity"] if _allowed(lambda: check(session, viewer, objective, result)) else []


def may_draft(session: Session, viewer: User) -> bool:
    """Whether ``viewer`` may draft a new objective: of the organisation (a controller)
    or of their own department (its reviewer or approver)."""
    own = session.get(Department, viewer.department_id) if viewer.department_id else None
    return _allowed(lambda: lifecycle.check_draft(session, viewer, None)) or (
        own is not None and _allowed(lambda: lifecycle.check_draft(session, viewer, own))
    )


def require_draft(session: Session, viewer: User) -> None:
    """Refuse the form of a new objective to someone who may draft none."""
    if not may_draft(session, viewer):
        raise PermissionDenied(
            "{user} cannot draft quality objectives: it needs a controller, or a reviewer "
            "or approver of a department",
            user=viewer.username,
        )


def _allowed(check: Callable[[], object]) -> bool:
    try:
        check()
    except QMSError:
        return False
    return True
