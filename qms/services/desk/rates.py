"""Rates computed from the imported figures, as plain rows for lists, reports and charts:
the on-time rate (dossiers resolved early or on time over all resolved) per procedure,
field or department and period, and the satisfaction rate (answers at a satisfied level
over all answers) per field and period."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as select_columns  # any number of columns (sqlmodel: four)
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


def _group_columns(by: str) -> tuple[Any, ...]:
    if by == "procedure":
        return (
            col(DossierStat.procedure_code),
            col(DossierStat.procedure),
            col(DossierStat.field),
        )
    if by == "field":
        return (col(DossierStat.field),)
    return (col(DossierStat.department_id),)


def on_time_table(
    session: Session, *, year: int, by: str = "field", frequency: Frequency = Frequency.MONTHLY
) -> list[OnTimeRow]:
    """Figures and on-time rate per ``by`` (procedure, field or department) and period of
    ``frequency`` in ``year``, in period then group order.

    The database sums each month of each group; the months are then folded into the
    periods here, as are groups that share a name (a procedure's code and name, a
    department's code), which is cheap: at most one row per group and month comes back."""
    if by not in GROUPS:
        raise ValueError(by)
    codes = dict(session.exec(select(Department.id, Department.code)).all())
    of_month = {m: p.key for p in periods.of_year(year, frequency) for m in p.month_keys()}
    groups = _group_columns(by)
    month = col(DossierStat.period)
    sums = session.execute(
        select_columns(
            month,
            *groups,
            func.sum(DossierStat.received),
            func.sum(DossierStat.early + DossierStat.on_time + DossierStat.late),
            func.sum(DossierStat.early + DossierStat.on_time),
            func.sum(DossierStat.late),
            func.sum(DossierStat.pending_overdue),
        )
        .where(month.in_(list(of_month)))
        .group_by(month, *groups)
    ).all()
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    width = len(groups)
    for row in sums:
        if by == "procedure":
            code, name, field = row[1:4]
            group = " - ".join(p for p in (code, name) if p) or field
        elif by == "field":
            group = row[1]
        else:
            group = codes.get(row[1], "")
        t = totals[(of_month[row[0]], group)]
        for i, value in enumerate(row[1 + width :]):
            t[i] += int(value)
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
    satisfied = col(SatisfactionCount.satisfied).is_(True)
    sums = session.exec(
        select(
            col(SatisfactionCount.period),
            col(SatisfactionCount.field),
            func.sum(SatisfactionCount.answers),
            func.sum(case((satisfied, SatisfactionCount.answers), else_=0)),
        )
        .where(col(SatisfactionCount.period).in_(list(owner)))
        .group_by(col(SatisfactionCount.period), col(SatisfactionCount.field))
    ).all()
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for key, field, answers, happy in sums:
        t = totals[(owner[key], field)]
        t[0] += int(answers)
        t[1] += int(happy)
    return [SatisfactionRow(p, f, *t) for (p, f), t in sorted(totals.items())]
