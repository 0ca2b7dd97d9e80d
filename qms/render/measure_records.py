"""PDF layouts of the measurement reports: the approved quality objectives of a year (with
their plans), the quarterly objectives report (results, met / not met, trend, charts,
signature lines) and the register of risks and opportunities (levels in colour, the risk
matrix, actions, next review). Charts are served to WeasyPrint as ``qms-gen:`` SVGs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qms.render.figures import figure, target_text
from qms.render.labels import format_date
from qms.render.measure_data import (
    ObjectivesPlan,
    PeriodResult,
    QuarterlyReport,
    RiskRegister,
)
from qms.render.record_labels import coded
from qms.render.records import RecordLayout, header, metadata

ROMAN = ("I", "II", "III", "IV")


def _scope(department: str, words: Mapping[str, str]) -> str:
    return department or words["scope_all"]


# ----------------------------------------------------------------- objectives of a year


def _plan_cells(plan: ObjectivesPlan) -> int:
    return 12 * len(plan.objectives)


def plan_context(plan: ObjectivesPlan, words: Mapping[str, str]) -> dict[str, Any]:
    title = words["objectives_plan_title"].format(year=plan.year)
    printed = format_date(plan.printed_on, words)
    facts = [
        (words["report_scope"], _scope(plan.department, words)),
        (words["objective_count"], str(len(plan.objectives))),
        (words["printed_on"], printed),
    ]
    rows = [
        {
            "ref": o.ref,
            "department": o.department or words["scope_all"],
            "indicator": o.indicator,
            "target": target_text(o.direction, o.target, o.unit, plan.language),
            "frequency": coded(words, "frequency_", o.frequency),
            "owner": o.owner,
            "plan": [
                (words["plan_what"], o.plan_what),
                (words["plan_resources"], o.plan_resources),
                (words["plan_who"], o.plan_who),
                (words["plan_when"], o.plan_when),
            ],
            "evaluation": o.evaluation,
            "version": o.version,
            "approved_by": o.approved_by,
            "approved_on": format_date(o.approved_on, words) if o.approved_on else "",
            "valid": o.signature_valid,
        }
        for o in plan.objectives
    ]
    return {
        "labels": words,
        "language": plan.language,
        "header": header(plan.organisation, title, facts, words),
        "title": title,
        "scope": _scope(plan.department, words),
        "rows": rows,
        "meta": metadata(title, str(plan.year), plan.organisation, (title,), plan.printed_on),
    }


# ---------------------------------------------------------------- the quarterly report


def _report_cells(report: QuarterlyReport) -> int:
    results = sum(len(o.in_quarter) + len(o.year_so_far) for o in report.objectives)
    return 10 * len(report.objectives) + 2 * results + 4 * len(report.nonconformities)


def assessment(results: Sequence[PeriodResult]) -> str:
    """met when every result of the quarter is met, not_met when one is not, "" before
    any result."""
    if not results:
        return ""
    return "met" if all(r.met for r in results) else "not_met"


def _results(results: Sequence[PeriodResult], unit: str, language: str) -> list[dict[str, Any]]:
    return [
        {"period": r.period, "value": f"{figure(r.value, language)} {unit}".strip(), "met": r.met}
        for r in results
    ]


def report_context(report: QuarterlyReport, words: Mapping[str, str]) -> dict[str, Any]:
    quarter = ROMAN[report.quarter - 1]
    title = words["quarterly_report_title"].format(quarter=quarter, year=report.year)
    printed = format_date(report.printed_on, words)
    facts = [
        (words["report_scope"], _scope(report.department, words)),
        (words["printed_on"], printed),
    ]
    rows = []
    for number, o in enumerate(report.objectives, start=1):
        verdict = assessment(o.in_quarter)
        last = o.in_quarter[-1] if o.in_quarter else None
        rows.append(
            {
                "number": number,
                "ref": o.ref,
                "department": o.department or words["scope_all"],
                "indicator": o.indicator,
                "target": target_text(o.direction, o.target, o.unit, report.language),
                "frequency": coded(words, "frequency_", o.frequency),
                "owner": o.owner,
                "in_quarter": _results(o.in_quarter, o.unit, report.language),
                "year_so_far": _results(o.year_so_far, o.unit, report.language),
                "verdict": verdict,
                "verdict_text": words[verdict] if verdict else words["not_measured"],
                "trend": coded(words, "trend_", last.trend) if last and last.trend else "—",
                "chart": f"objective-{number}.svg",
            }
        )
    measured = [r for r in rows if r["verdict"]]
    met = sum(1 for r in measured if r["verdict"] == "met")
    return {
        "labels": words,
        "language": report.language,
        "header": header(report.organisation, title, facts, words),
        "title": title,
        "scope": _scope(report.department, words),
        "rows": rows,
        "summary": words["summary_met"].format(met=met, total=len(measured)),
        "charts": [
            {"name": f"overview-{n}.svg", "alt": ""} for n in range(1, len(report.charts) + 1)
        ]
        + [{"name": row["chart"], "alt": row["ref"]} for row in rows],
        "nonconformities": [
            {
                "ref": n.ref,
                "objective": n.objective,
                "period": n.period,
                "status": coded(words, "capa_status_", n.status),
            }
            for n in report.nonconformities
        ],
        "printed_on": printed,
        "prepared_by": report.prepared_by,
        "meta": metadata(
            title, f"{report.year}-Q{report.quarter}", report.organisation, (title,), None
        )
        | {"date": report.printed_on.isoformat()},
    }


def report_charts(report: QuarterlyReport) -> dict[str, str]:
    charts = {f"objective-{n}.svg": o.chart_svg for n, o in enumerate(report.objectives, 1)}
    charts |= {f"overview-{n}.svg": c.svg for n, c in enumerate(report.charts, 1)}
    return charts


# ----------------------------------------------------------------------- risk register


def _register_cells(register: RiskRegister) -> int:
    return 12 * len(register.rows) + 3 * sum(len(r.actions) for r in register.rows)


def _level(level: str, words: Mapping[str, str]) -> dict[str, str]:
    return {
        "code": level,
        "text": coded(words, "level_", level) if level else "—",
    }


def register_context(register: RiskRegister, words: Mapping[str, str]) -> dict[str, Any]:
    title = words["risk_register_title"]
    printed = format_date(register.printed_on, words)
    facts = [
        (words["report_scope"], _scope(register.department, words)),
        (words["risk_count"], str(len(register.rows))),
        (words["printed_on"], printed),
    ]
    rows = [
        {
            "ref": r.ref,
            "kind": coded(words, "kind_", r.kind),
            "department": r.department,
            "process": r.process,
            "title": r.title,
            "cause": r.cause,
            "effect": r.effect,
            "assessed": f"{r.likelihood} x {r.impact}",
            "level": _level(r.level, words),
            "treatment": coded(words, "treatment_", r.treatment),
            "residual": (
                f"{r.residual_likelihood} x {r.residual_impact}"
                if r.residual_likelihood is not None
                else ""
            ),
            "residual_level": _level(r.residual_level, words) if r.residual_level else None,
            "actions": [
                {
                    "number": a.number,
                    "what": a.what,
                    "owner": a.owner,
                    "due": format_date(a.due, words),
                    "done": a.done,
                    "overdue": a.overdue,
                }
                for a in r.actions
            ],
            "next_review": format_date(r.next_review, words),
            "review_overdue": r.review_overdue,
        }
        for r in register.rows
    ]
    return {
        "labels": words,
        "language": register.language,
        "header": header(register.organisation, title, facts, words),
        "title": title,
        "rows": rows,
        "meta": metadata(title, printed, register.organisation, (title,), register.printed_on),
    }


OBJECTIVES_PLAN = RecordLayout(
    template="objectives_plan.html",
    cells=_plan_cells,
    context=lambda plan, words, _limits: plan_context(plan, words),
)
QUARTERLY_REPORT = RecordLayout(
    template="objectives_quarterly.html",
    cells=_report_cells,
    context=lambda report, words, _limits: report_context(report, words),
    charts=report_charts,
)
RISK_REGISTER = RecordLayout(
    template="risk_register.html",
    cells=_register_cells,
    context=lambda register, words, _limits: register_context(register, words),
    charts=lambda register: {"risk-matrix.svg": register.matrix_svg},
)
