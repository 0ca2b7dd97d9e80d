"""Rates computed from the imported figures, as plain rows for lists, reports and charts:
the on-time rate (dossiers resolved early or on time over all resolved) per procedure,
field or department and period, and the satisfaction rate (answers at a satisfied level
over all answers) per field and period."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.models import Department, DossierStat, SatisfactionCount
from qms.services.objectives import periods
from qms.services.objectives.periods import Frequency, Period
from qms.services.people import users

GROUPS = ("procedure", "field", "department")


@dataclass(frozen=True)
class OnTimeRow:
    period: str
    group: str  # the procedure (code - name), field or department code
    received: int
    resolved: int
    on_time: int  # early or on time
    late: int
    pending_overdue: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.resolved, 2) if self.resolved else None


@dataclass(frozen=True)
class SatisfactionRow:
    period: str
    field: str
    answers: int
    satisfied: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.satisfied / self.answers, 2) if self.answers else None


def _scoped(session: Session, scope_kind: str, scope_value: str):  # type: ignore[no-untyped-def]
    if scope_kind == "field":
        return DossierStat.field == scope_value
    if scope_kind == "procedure":
        return DossierStat.procedure_code == scope_value
    if scope_kind == "department":
        return DossierStat.department_id == users.get_department(session, scope_value).id
    return None


def on_time_rate(
    session: Session, period: Period, scope_kind: str = "", scope_value: str = ""
) -> float | None:
    """The on-time rate over ``period``, or None until every month of it has figures in
    the scope (a quarter is not computed from one month)."""
    months = period.month_keys()
    query = (
        select(
            DossierStat.period,
            func.sum(DossierStat.early + DossierStat.on_time),
            func.sum(DossierStat.late),
        )
        .where(col(DossierStat.period).in_(months))
        .group_by(col(DossierStat.period))
    )
    condition = _scoped(session, scope_kind, scope_value)
    if condition is not None:
        query = query.where(condition)
    found = session.exec(query).all()
    if {row[0] for row in found} != set(months):
        return None
    on_time = sum(int(row[1]) for row in found)
    resolved = on_time + sum(int(row[2]) for row in found)
    return round(100 * on_time / resolved, 2) if resolved else None


def on_time_table(
    session: Session, *, year: int, by: str = "field", frequency: Frequency = Frequency.MONTHLY
) -> list[OnTimeRow]:
    """Figures and on-time rate per ``by`` (procedure, field or department) and period of
    ``frequency`` in ``year``, in period then group order."""
    if by not in GROUPS:
        raise ValueError(by)
    codes = dict(session.exec(select(Department.id, Department.code)).all())
    of_month = {m: p.key for p in periods.of_year(year, frequency) for m in p.month_keys()}
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    rows = session.exec(
        select(DossierStat).where(col(DossierStat.period).in_(list(of_month)))
    ).all()
    for stat in rows:
        if by == "procedure":
            group = " - ".join(p for p in (stat.procedure_code, stat.procedure) if p) or stat.field
        elif by == "field":
            group = stat.field
        else:
            group = codes.get(stat.department_id, "")
        t = totals[(of_month[stat.period], group)]
        t[0] += stat.received
        t[1] += stat.early + stat.on_time + stat.late
        t[2] += stat.early + stat.on_time
        t[3] += stat.late
        t[4] += stat.pending_overdue
    return [OnTimeRow(p, g, *t) for (p, g), t in sorted(totals.items())]


def _within(period: Period) -> list[str]:
    """The keys of the period and of every shorter period inside it."""
    keys = {period.key, *period.month_keys()}
    if period.months == 6:
        keys |= {
            Period(period.year, first, 3).key
            for first in (period.first_month, period.first_month + 3)
        }
    return sorted(keys)


def satisfaction_rate(session: Session, period: Period, field: str = "") -> float | None:
    query = select(
        func.sum(SatisfactionCount.answers),
    ).where(col(SatisfactionCount.period).in_(_within(period)))
    satisfied = query.where(col(SatisfactionCount.satisfied).is_(True))
    if field:
        query = query.where(SatisfactionCount.field == field)
        satisfied = satisfied.where(SatisfactionCount.field == field)
    answers = session.exec(query).one()
    if not answers:
        return None
    happy = session.exec(satisfied).one() or 0
    return round(100 * int(happy) / int(answers), 2)


def satisfaction_table(
    session: Session, *, year: int, frequency: Frequency = Frequency.QUARTERLY
) -> list[SatisfactionRow]:
    """Answers and satisfaction rate per field and period of ``frequency`` in ``year``."""
    owner: dict[str, str] = {}
    for p in periods.of_year(year, frequency):
        for k in _within(p):
            owner[k] = p.key
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = session.exec(
        select(SatisfactionCount).where(col(SatisfactionCount.period).in_(list(owner)))
    ).all()
    for count in rows:
        t = totals[(owner[count.period], count.field)]
        t[0] += count.answers
        t[1] += count.answers if count.satisfied else 0
    return [SatisfactionRow(p, f, *t) for (p, f), t in sorted(totals.items())]
