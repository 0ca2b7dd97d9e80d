"""The figures of one year, each counted by the database: documents issued, revised and
withdrawn; audits against the programme and their findings; nonconformities; objectives
met; one-stop-desk results; risks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from qms.domain import RevisionStatus
from qms.models import (
    Audit,
    AuditProgramme,
    CapaAction,
    CorrectiveActionRequest,
    DossierStat,
    Finding,
    Objective,
    ObjectiveResult,
    ObjectiveVersion,
    ProgrammeEntry,
    Revision,
    Risk,
    SatisfactionCount,
)
from qms.render.yearly import YearFigures
from qms.services.people import organisation

DONE_AUDITS = ("reported", "closed")
CLOSED_CAR = "closed"


def local_start(day: date, zone: str) -> datetime:
    """The first instant of ``day`` where the organisation is, in UTC (stored times are UTC)."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def year_bounds(year: int, zone: str) -> tuple[datetime, datetime]:
    return local_start(date(year, 1, 1), zone), local_start(date(year + 1, 1, 1), zone)


def _count(session: Session, query: Any) -> int:
    return int(session.exec(query).one() or 0)


def _within(column: Any, bounds: tuple[datetime, datetime]) -> Any:
    return (col(column) >= bounds[0]) & (col(column) < bounds[1])


def documents(session: Session, year: int, zone: str) -> tuple[int, int, int]:
    """Issues that took effect in ``year`` (first issues, later issues) and documents
    withdrawn in it."""
    bounds = year_bounds(year, zone)
    took_effect = select(func.count()).where(_within(Revision.effective_at, bounds))
    issued = _count(session, took_effect.where(Revision.issue == 1))
    revised = _count(session, took_effect.where(Revision.issue > 1))
    withdrawn = _count(
        session,
        select(func.count(func.distinct(Revision.document_id)))
        .where(Revision.status == RevisionStatus.OBSOLETE.value)
        .where(_within(Revision.superseded_at, bounds)),
    )
    return issued, revised, withdrawn


def audits(session: Session, year: int) -> tuple[int, int, int]:
    """Audits the year's programme plans (the audits planned, without a programme), the
    internal audits reported, and their findings."""
    planned = _count(
        session,
        select(func.sum(ProgrammeEntry.frequency))
        .join(AuditProgramme, col(AuditProgramme.id) == ProgrammeEntry.programme_id)
        .where(AuditProgramme.year == year),
    )
    internal = select(func.count()).where(Audit.year == year, Audit.audit_type == "internal")
    if not planned:
        planned = _count(session, internal)
    done = _count(session, internal.where(col(Audit.status).in_(DONE_AUDITS)))
    findings = _count(
        session,
        select(func.count())
        .select_from(Finding)
        .join(Audit, col(Audit.id) == Finding.audit_id)
        .where(Audit.year == year),
    )
    return planned, done, findings


def overdue_ncs(session: Session, on: date) -> int:
    """Nonconformities not closed with an action still open after its due date (``on``
    is the first day it counts as late)."""
    return _count(
        session,
        select(func.count(func.distinct(CapaAction.capa_id)))
        .join(CorrectiveActionRequest, col(CorrectiveActionRequest.id) == CapaAction.capa_id)
        .where(CapaAction.status == "open", col(CapaAction.due_date) < on)
        .where(CorrectiveActionRequest.status != CLOSED_CAR),
    )


def open_ncs(session: Session) -> int:
    return _count(
        session,
        select(func.count()).where(CorrectiveActionRequest.status != CLOSED_CAR),
    )


def nonconformities(session: Session, year: int, zone: str, today: date) -> tuple[int, int, int]:
    """Opened in ``year``, closed in it, and overdue at its end (today, for this year)."""
    opened = _count(session, select(func.count()).where(CorrectiveActionRequest.year == year))
    closed = _count(
        session,
        select(func.count()).where(
            _within(CorrectiveActionRequest.closed_at, year_bounds(year, zone))
        ),
    )
    return opened, closed, overdue_ncs(session, min(today, date(year, 12, 31)))


def objectives(session: Session, year: int) -> tuple[int, int]:
    """The year's approved objectives, and those whose latest result meets the target."""
    approved = (
        select(Objective.id)
        .join(ObjectiveVersion, col(ObjectiveVersion.objective_id) == Objective.id)
        .where(Objective.year == year, ObjectiveVersion.status == "approved")
    )
    total = _count(session, select(func.count()).select_from(approved.subquery()))
    latest = (
        select(ObjectiveResult.objective_id, func.max(ObjectiveResult.period_end).label("last"))
        .join(Objective, col(Objective.id) == ObjectiveResult.objective_id)
        .where(Objective.year == year)
        .group_by(col(ObjectiveResult.objective_id))
        .subquery()
    )
    met = _count(
        session,
        select(func.count())
        .select_from(ObjectiveResult)
        .join(
            latest,
            (latest.c.objective_id == ObjectiveResult.objective_id)
            & (latest.c.last == ObjectiveResult.period_end),
        )
        .where(col(ObjectiveResult.met).is_(True))
        .where(col(ObjectiveResult.objective_id).in_(approved)),
    )
    return total, met


def dossiers(session: Session, months: list[str]) -> tuple[int, int]:
    """Dossiers resolved (early, on time or late) and resolved late in ``months``."""
    on_time, late = session.exec(
        select(
            func.coalesce(func.sum(DossierStat.early + DossierStat.on_time), 0),
            func.coalesce(func.sum(DossierStat.late), 0),
        ).where(col(DossierStat.period).in_(months))
    ).one()
    return int(on_time) + int(late), int(late)


def satisfaction(session: Session, year: int) -> float | None:
    """Answers at a satisfied level over all answers of the year's surveys."""
    satisfied = col(SatisfactionCount.satisfied).is_(True)
    answers, happy = session.exec(
        select(
            func.coalesce(func.sum(SatisfactionCount.answers), 0),
            func.coalesce(func.sum(case((satisfied, SatisfactionCount.answers), else_=0)), 0),
        ).where(col(SatisfactionCount.period).like(f"{year}-%"))
    ).one()
    return round(100 * int(happy) / int(answers), 2) if answers else None


def months_of(year: int, first: int = 1, last: int = 12) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def year_figures(session: Session, year: int) -> YearFigures:
    zone = organisation.get_setting(session, "timezone")
    today = organisation.today(session)
    issued, revised, withdrawn = documents(session, year, zone)
    planned, done, findings = audits(session, year)
    opened, closed, overdue = nonconformities(session, year, zone, today)
    total, met = objectives(session, year)
    resolved, late = dossiers(session, months_of(year))
    return YearFigures(
        documents_issued=issued,
        documents_revised=revised,
        documents_withdrawn=withdrawn,
        audits_planned=planned,
        audits_done=done,
        findings=findings,
        ncs_opened=opened,
        ncs_closed=closed,
        ncs_overdue=overdue,
        objectives_total=total,
        objectives_met=met,
        dossiers_resolved=resolved,
        dossiers_late=late,
        on_time_rate=rate(resolved - late, resolved),
        satisfaction_rate=satisfaction(session, year),
        risks_open=_count(session, select(func.count()).where(Risk.status == "open")),
        risks_high=_count(
            session, select(func.count()).where(Risk.status == "open", Risk.level == "high")
        ),
    )


def has_data(figures: YearFigures) -> bool:
    """Whether anything happened in the year (risks are the register's state, not the
    year's)."""
    return any(
        (
            figures.documents_issued,
            figures.documents_revised,
            figures.documents_withdrawn,
            figures.audits_done,
            figures.ncs_opened,
            figures.objectives_total,
            figures.dossiers_resolved,
            figures.satisfaction_rate is not None,
        )
    )
