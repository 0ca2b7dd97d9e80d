"""Plain data of the measurement reports (ISO 9001 6.1, 6.2, 9.1): the approved quality
objectives of a year, the quarterly objectives report and the register of risks and
opportunities. Charts arrive as inert SVG text drawn by :mod:`qms.render.charts`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PlanLine:
    """One approved objective with its plan and its approval."""

    ref: str
    department: str  # code; "" for the whole organisation
    indicator: str
    unit: str
    target: float
    direction: str  # at_least | at_most
    frequency: str  # monthly | quarterly | half_yearly
    owner: str
    plan_what: str
    plan_resources: str
    plan_who: str
    plan_when: str
    evaluation: str
    version: int
    approved_by: str
    approved_on: date | None
    signature_valid: bool


@dataclass(frozen=True)
class ObjectivesPlan:
    organisation: str
    language: str
    year: int
    department: str  # "" for every department
    printed_on: date
    objectives: tuple[PlanLine, ...]
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class PeriodResult:
    period: str
    value: float
    met: bool
    trend: str  # better | worse | same | ""
    nonconformity: str | None


@dataclass(frozen=True)
class QuarterObjective:
    ref: str
    department: str
    indicator: str
    unit: str
    target: float
    direction: str
    frequency: str
    owner: str
    in_quarter: tuple[PeriodResult, ...]
    year_so_far: tuple[PeriodResult, ...]
    chart_svg: str


@dataclass(frozen=True)
class ReportChart:
    svg: str


@dataclass(frozen=True)
class NonconformityLine:
    ref: str
    objective: str
    period: str
    status: str


@dataclass(frozen=True)
class QuarterlyReport:
    organisation: str
    language: str
    year: int
    quarter: int
    department: str  # "" for every department
    printed_on: date
    objectives: tuple[QuarterObjective, ...]
    charts: tuple[ReportChart, ...]  # on-time rate per field, satisfaction per quarter
    nonconformities: tuple[NonconformityLine, ...]
    prepared_by: str
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class RiskActionLine:
    number: int
    what: str
    owner: str
    due: date
    done: bool
    overdue: bool


@dataclass(frozen=True)
class RiskLine:
    ref: str
    kind: str  # risk | opportunity
    department: str
    process: str
    title: str
    cause: str
    effect: str
    likelihood: int
    impact: int
    level: str  # low | medium | high
    treatment: str
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: str
    next_review: date
    review_overdue: bool
    actions: tuple[RiskActionLine, ...]


@dataclass(frozen=True)
class RiskRegister:
    organisation: str
    language: str
    department: str
    printed_on: date
    rows: tuple[RiskLine, ...]
    matrix_svg: str
    timezone: str = "Asia/Ho_Chi_Minh"
