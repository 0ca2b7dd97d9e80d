"""The leaders' one-page dashboard: objectives met this year, open and overdue
nonconformities, audits done against the programme, documents due for periodic review
and late dossiers this quarter. Every figure is counted by the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.domain import Role
from qms.errors import Text
from qms.models import Document, Objective, ObjectiveResult, Revision, User
from qms.render.charts import chart_labels, quarter_chart
from qms.services.documents.register import reviews_falling_due_by
from qms.services.people import organisation, users
from qms.services.yearly import figures

LEADERS = (Role.APPROVER, Role.CONTROLLER, Role.ADMIN)
REVIEW_DAYS_AHEAD = 30  # as the register's "due for review" list


@dataclass(frozen=True)
class Dashboard:
    year: int
    quarter: int
    objectives_total: int
    objectives_met: int
    ncs_open: int
    ncs_overdue: int
    audits_planned: int
    audits_done: int
    documents_due: int
    dossiers_late: int
    dossiers_resolved: int
    objectives_chart: str  # SVG
    on_time_chart: str  # SVG


def may_see(session: Session, viewer: User) -> bool:
    return bool(users.roles_of(session, viewer) & set(LEADERS))


def require_leader(session: Session, viewer: User) -> None:
    users.require_role(session, viewer, *LEADERS, action=Text("see the leaders' dashboard"))


def documents_due(session: Session, today: date, zone: str) -> int:
    """Effective documents whose periodic review (currency check for external ones) falls
    due within the next 30 days or is overdue, reckoned as the register's review list does."""
    limit = today + timedelta(days=REVIEW_DAYS_AHEAD)
    intervals = session.exec(select(Document.review_interval_months).distinct()).all()
    if not intervals:
        return 0
    due = select(func.count()).select_from(Document)
    due = due.join(Revision, col(Revision.document_id) == Document.id)
    due = due.where(Revision.status == "effective")
    due = due.where(reviews_falling_due_by(limit, intervals, zone))
    return int(session.exec(due).one())


def _quarter_months(year: int, quarter: int) -> list[str]:
    first = 3 * (quarter - 1) + 1
    return figures.months_of(year, first, first + 2)


def _objectives_per_quarter(session: Session, year: int) -> list[float | None]:
    """Per quarter of ``year``: the share of results recorded for periods ending in it
    that met their target."""
    rows = session.exec(
        select(col(ObjectiveResult.period_end), col(ObjectiveResult.met), func.count())
        .join(Objective, col(Objective.id) == ObjectiveResult.objective_id)
        .where(Objective.year == year)
        .group_by(col(ObjectiveResult.period_end), col(ObjectiveResult.met))
    ).all()
    met, total = [0] * 4, [0] * 4
    for period_end, was_met, count in rows:
        if period_end.year != year:
            continue
        q = (period_end.month - 1) // 3
        total[q] += int(count)
        met[q] += int(count) if was_met else 0
    return [figures.rate(met[q], total[q]) for q in range(4)]


def dashboard(session: Session, *, viewer: User, language: str) -> Dashboard:
    require_leader(session, viewer)
    today = organisation.today(session)
    zone = organisation.get_setting(session, "timezone")
    year, quarter = today.year, (today.month - 1) // 3 + 1
    total, met = figures.objectives(session, year)
    planned, done, _findings = figures.audits(session, year)
    resolved, late = figures.dossiers(session, _quarter_months(year, quarter))
    words = chart_labels(language)
    names = [f"Q{q}" for q in range(1, 5)]
    on_time = []
    for q in range(1, 5):
        q_resolved, q_late = figures.dossiers(session, _quarter_months(year, q))
        on_time.append(figures.rate(q_resolved - q_late, q_resolved))
    return Dashboard(
        year=year,
        quarter=quarter,
        objectives_total=total,
        objectives_met=met,
        ncs_open=figures.open_ncs(session),
        ncs_overdue=figures.overdue_ncs(session, today),
        audits_planned=planned,
        audits_done=done,
        documents_due=documents_due(session, today, zone),
        dossiers_late=late,
        dossiers_resolved=resolved,
        objectives_chart=quarter_chart(
            title=words["objectives_met"],
            quarters=names,
            rates=_objectives_per_quarter(session, year),
            rate_label=words["objectives_met_rate"],
        ),
        on_time_chart=quarter_chart(
            title=words["on_time_rate"],
            quarters=names,
            rates=on_time,
            rate_label=words["result"],
        ),
    )
