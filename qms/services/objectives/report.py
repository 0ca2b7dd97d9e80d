"""The printed reports of quality objectives: the approved objectives of a year with their
plans, and the quarterly report (results of the quarter and of the year so far, met / not
met, trend, charts, the nonconformities opened from results not met).

Who may print a report: the coordinator (controller), the leaders (approvers) and admins
print any department's or the whole organisation's; a department's reviewer (its head)
prints their own department's only. Each printing is on the trail.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from qms.domain import Role
from qms.errors import PermissionDenied, ValidationError
from qms.models import CorrectiveActionRequest, Department, Objective, User
from qms.render import charts
from qms.render.measure_data import (
    NonconformityLine,
    ObjectivesPlan,
    PeriodResult,
    PlanLine,
    QuarterlyReport,
    QuarterObjective,
    ReportChart,
)
from qms.services import numbering
from qms.services.desk import rates
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.objectives import charts as objective_charts
from qms.services.objectives import lifecycle, periods, views
from qms.services.objectives.periods import Frequency, Period
from qms.services.people import organisation, users
from qms.services.trail import chain as trail

WHOLE = (Role.CONTROLLER, Role.APPROVER, Role.ADMIN)


@dataclass(frozen=True)
class Scope:
    """What a reader may print: every department (``department`` None: the whole
    organisation, or the one asked for) or only their own."""

    department: str | None


def report_scope(session: Session, actor: User, department: str | None = None) -> Scope:
    """The department a report covers for ``actor``, refusing what they may not see."""
    roles = users.roles_of(session, actor)
    wanted = department.strip().upper() if department else None
    if wanted:
        users.get_department(session, wanted)
    if roles & set(WHOLE):
        return Scope(wanted)
    own = session.get(Department, actor.department_id) if actor.department_id else None
    if Role.REVIEWER in roles and own is not None and wanted in (None, own.code):
        return Scope(own.code)
    raise PermissionDenied(
        "{user} cannot print this report: it needs the controller, approver or admin role, "
        "or a reviewer of the department it covers",
        user=actor.username,
    )


def may_print(session: Session, actor: User) -> bool:
    try:
        report_scope(session, actor)
    except PermissionDenied:
        return False
    return True


def quarter_of(value: str) -> Period:
    period = periods.require(value)
    if period.months != 3:
        raise ValidationError(
            "{value!r} is not a quarter: write it as 2026-Q3", value=value.strip()
        )
    return period


# ------------------------------------------------------------------- objectives of a year


def _in_scope(session: Session, year: int, department: str | None) -> list[Objective]:
    query = select(Objective).where(Objective.year == year)
    if department:
        dept = users.get_department(session, department)
        query = query.where(Objective.department_id == dept.id)
    return list(session.exec(query.order_by(*numbering.in_order(col(Objective.ref)))).all())


def _local_date(value: datetime | None, zone: ZoneInfo) -> date | None:
    return value.replace(tzinfo=UTC).astimezone(zone).date() if value else None


def plan_data(
    session: Session, *, year: int, department: str | None = None, language: str | None = None
) -> ObjectivesPlan:
    """The approved objectives of ``year`` (the version in force of each) with their plans."""
    lang = documents.language_or_default(session, language)
    zone = ZoneInfo(organisation.get_setting(session, "timezone"))
    people = {u.id: u for u in session.exec(select(User)).all()}
    codes = dict(session.exec(select(Department.id, Department.code)).all())
    lines = []
    for objective in _in_scope(session, year, department):
        version = lifecycle.approved_version(session, objective)
        if version is None:
            continue
        owner = people.get(version.owner_id)
        approver = people.get(version.approved_by_id) if version.approved_by_id else None
        lines.append(
            PlanLine(
                ref=objective.ref,
                department=codes.get(objective.department_id, "")
                if objective.department_id
                else "",
                indicator=version.indicator,
                unit=version.unit,
                target=version.target,
                direction=version.direction,
                frequency=version.frequency,
                owner=owner.full_name if owner else "",
                plan_what=version.plan_what,
                plan_resources=version.plan_resources,
                plan_who=version.plan_who,
                plan_when=version.plan_when,
                evaluation=version.evaluation,
                version=version.version,
                approved_by=version.approver_name or (approver.full_name if approver else ""),
                approved_on=_local_date(version.approved_at, zone),
                signature_valid=lifecycle.signature_valid(session, objective, version),
            )
        )
    return ObjectivesPlan(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        year=year,
        department=department or "",
        printed_on=organisation.today(session),
        objectives=tuple(lines),
        timezone=str(zone),
    )


# ----------------------------------------------------------------------- quarterly report


def _results_until(
    view: views.ObjectiveView, quarter: Period
) -> tuple[list[PeriodResult], list[PeriodResult]]:
    """The results of periods ending inside the quarter, and of the year up to its end."""
    in_quarter: list[PeriodResult] = []
    so_far: list[PeriodResult] = []
    months = set(quarter.month_keys())
    for result in view.results:
        period = periods.parse(result.period)
        if period is None or period.end > quarter.end:
            continue
        line = PeriodResult(
            period=result.period,
            value=result.value,
            met=result.met,
            trend=result.trend,
            nonconformity=result.nonconformity,
        )
        so_far.append(line)
        if period.month_keys()[-1] in months:
            in_quarter.append(line)
    return in_quarter, so_far


def _overview_charts(session: Session, quarter: Period, language: str) -> list[ReportChart]:
    """The on-time rate per field in the quarter and satisfaction per quarter of the year."""
    words = charts.chart_labels(language)
    label = f"Q{(quarter.first_month - 1) // 3 + 1}/{quarter.year}"
    found = []
    fields = [
        row
        for row in rates.on_time_table(
            session, year=quarter.year, by="field", frequency=Frequency.QUARTERLY
        )
        if row.period == quarter.key and row.rate is not None
    ]
    if fields:
        found.append(
            ReportChart(
                charts.rate_chart(
                    title=f"{words['on_time_rate']} {label}",
                    labels=[row.group for row in fields],
                    rates=[row.rate or 0.0 for row in fields],
                    rate_label=words["on_time_rate"],
                )
            )
        )
    quarters = [p for p in periods.of_year(quarter.year, Frequency.QUARTERLY) if p <= quarter]
    satisfaction = [rates.satisfaction_rate(session, p) for p in quarters]
    if any(value is not None for value in satisfaction):
        found.append(
            ReportChart(
                charts.quarter_chart(
                    title=f"{words['satisfaction_rate']} {quarter.year}",
                    quarters=[p.key for p in quarters],
                    rates=satisfaction,
                    rate_label=words["satisfaction_rate"],
                )
            )
        )
    return found


def quarterly_data(
    session: Session,
    *,
    quarter: str,
    prepared_by: User,
    department: str | None = None,
    language: str | None = None,
) -> QuarterlyReport:
    """Every approved objective of the quarter's year with its results up to the quarter's
    end, its chart, the overview charts and the nonconformities its results opened."""
    period = quarter_of(quarter)
    lang = documents.language_or_default(session, language)
    codes = dict(session.exec(select(Department.id, Department.code)).all())
    people = {u.username: u.full_name for u in session.exec(select(User)).all()}
    shown: list[QuarterObjective] = []
    raised: list[tuple[str, PeriodResult]] = []
    for objective in _in_scope(session, period.year, department):
        if lifecycle.approved_version(session, objective) is None:
            continue
        view = views.objective_view(session, objective.ref)
        in_quarter, so_far = _results_until(view, period)
        shown.append(
            QuarterObjective(
                ref=view.ref,
                department=codes.get(objective.department_id, "")
                if objective.department_id
                else "",
                indicator=view.indicator,
                unit=view.unit,
                target=view.target,
                direction=view.direction,
                frequency=view.frequency,
                owner=people.get(view.owner, view.owner),
                in_quarter=tuple(in_quarter),
                year_so_far=tuple(so_far),
                chart_svg=objective_charts.objective_svg(view, language=lang),
            )
        )
        raised += [(view.ref, r) for r in so_far if r.nonconformity]
    statuses = dict(
        session.exec(
            select(CorrectiveActionRequest.ref, CorrectiveActionRequest.status).where(
                col(CorrectiveActionRequest.ref).in_([r.nonconformity for _, r in raised])
            )
        ).all()
    )
    return QuarterlyReport(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        year=period.year,
        quarter=(period.first_month - 1) // 3 + 1,
        department=department or "",
        printed_on=organisation.today(session),
        objectives=tuple(shown),
        charts=tuple(_overview_charts(session, period, lang)),
        nonconformities=tuple(
            NonconformityLine(
                ref=r.nonconformity or "",
                objective=ref,
                period=r.period,
                status=statuses.get(r.nonconformity or "", ""),
            )
            for ref, r in raised
        ),
        prepared_by=prepared_by.full_name,
        timezone=organisation.get_setting(session, "timezone"),
    )


# -------------------------------------------------------------------------------- PDFs


def record_output(
    session: Session, actor: User, *, action: str, what: str, scope: Scope, **details: str
) -> None:
    """Put a printed or exported report on the trail, with the department it covers, and
    commit."""
    trail.record(
        session,
        actor=actor.username,
        action=action,
        entity="report",
        entity_id=what,
        payload={"new": {**details, "department": scope.department or ""}},
    )
    session.commit()


def plan_pdf(
    session: Session,
    *,
    actor: User,
    year: int,
    department: str | None = None,
    language: str | None = None,
) -> bytes:
    """The approved objectives of ``year`` as a PDF, printed by ``actor`` (on the trail)."""
    from qms.render import render_record_pdf

    scope = report_scope(session, actor, department)
    data: bytes = render_record_pdf(
        plan_data(session, year=year, department=scope.department, language=language)
    )
    record_output(
        session, actor, action="report.objectives_print", what=f"objectives-{year}", scope=scope
    )
    return data


def quarterly_pdf(
    session: Session,
    *,
    actor: User,
    quarter: str,
    department: str | None = None,
    language: str | None = None,
) -> bytes:
    """The quarterly objectives report as a PDF, printed by ``actor`` (on the trail)."""
    from qms.render import render_record_pdf

    scope = report_scope(session, actor, department)
    report = quarterly_data(
        session,
        quarter=quarter,
        prepared_by=actor,
        department=scope.department,
        language=language,
    )
    data: bytes = render_record_pdf(report)
    key = f"objectives-{report.year}-Q{report.quarter}"
    record_output(session, actor, action="report.quarterly_print", what=key, scope=scope)
    return data
