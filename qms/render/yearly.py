"""The yearly papers of a public body, laid out as Vietnamese administrative documents
(national motto block, number and symbol, place and date line, articles, recipients and
the head's signature block, after Nghị định 30/2020/NĐ-CP):

- the yearly report on building, applying, maintaining and improving the QMS, sent to the
  supervising authority (its sections follow the report form of the regulation on applying
  TCVN ISO 9001 in state administrative bodies);
- the decision announcing that the QMS conforms to TCVN ISO 9001:2015, with its scope as
  an annex.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qms.render.labels import format_date
from qms.render.records import RecordLayout, metadata

REPORT_TEMPLATE = "yearly_report.html"
DECISION_TEMPLATE = "conformity_decision.html"


@dataclass(frozen=True)
class ReviewHeld:
    """A management review held in the year."""

    held_on: date
    ref: str
    chair: str


@dataclass(frozen=True)
class YearFigures:
    """What the database says about one year (rates in percent, None without figures)."""

    documents_issued: int
    documents_revised: int
    documents_withdrawn: int
    audits_planned: int
    audits_done: int
    findings: int
    ncs_opened: int
    ncs_closed: int
    ncs_overdue: int
    objectives_total: int
    objectives_met: int
    dossiers_resolved: int
    dossiers_late: int
    on_time_rate: float | None
    satisfaction_rate: float | None
    risks_open: int
    risks_high: int


@dataclass(frozen=True)
class Signing:
    """Who issues the paper, and where: the body, its place name and its head."""

    organisation: str
    place: str
    signer: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class YearlyReport:
    language: str
    year: int
    dated: date
    signing: Signing
    decision: str  # "05/QĐ-UBND ngày 12/03/2026" of the scope in force, "" when none
    procedures: tuple[str, ...]
    departments: tuple[str, ...]
    figures: YearFigures
    management_reviews: tuple[ReviewHeld, ...]
    difficulties: str
    proposals: str
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class ConformityDecisionPrint:
    language: str
    ref: str  # "02/QĐ-UBND": number and symbol, as issued
    issued_on: date
    signing: Signing
    legal_bases: tuple[str, ...]
    procedures: tuple[str, ...]
    departments: tuple[str, ...]
    replaces: str  # "03/QĐ-UBND ngày 10/01/2026", "" for the first decision
    timezone: str = "Asia/Ho_Chi_Minh"


def fill(text: str, **values: object) -> str:
    """A catalog sentence with its ``{name}`` places filled (no format mini-language, so a
    translation cannot make it fail)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _date_line(place: str, when: date, words: Mapping[str, str]) -> str:
    """As Nghị định 30/2020/NĐ-CP writes it: days below 10 and the months January and
    February with a leading zero."""
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return fill(
        words["yearly_date_line"],
        place=place or "…",
        day=f"{when.day:02d}",
        month=month,
        year=when.year,
    )


def _count(value: int, language: str) -> str:
    """A count with thousands grouped as the language writes them (10.432 in Vietnamese)."""
    shown = f"{value:,}"
    return shown.replace(",", ".") if language == "vi" else shown


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _rate(value: float | None, language: str) -> str:
    if value is None:
        return "—"
    shown = f"{value:g}"
    return (shown.replace(".", ",") if language == "vi" else shown) + "%"


def _common(signing: Signing, when: date, words: Mapping[str, str]) -> dict[str, Any]:
    return {
        "labels": words,
        "organisation": signing.organisation,
        "date_line": _date_line(signing.place, when, words),
        "signer": signing.signer,
        "recipients": list(signing.recipients),
    }


def report_context(report: YearlyReport, words: Mapping[str, str]) -> dict[str, Any]:
    f = report.figures
    title = fill(words["yearly_report_subject"], year=report.year)
    figures = {
        "documents": fill(
            words["yearly_documents_line"],
            issued=f.documents_issued,
            revised=f.documents_revised,
            withdrawn=f.documents_withdrawn,
        ),
        "audits": fill(
            words["yearly_audits_line"],
            done=f.audits_done,
            planned=f.audits_planned,
            findings=f.findings,
        ),
        "ncs": fill(
            words["yearly_ncs_line"],
            opened=f.ncs_opened,
            closed=f.ncs_closed,
            overdue=f.ncs_overdue,
        ),
        "objectives": fill(
            words["yearly_objectives_line"], met=f.objectives_met, total=f.objectives_total
        ),
        "desk": fill(
            words["yearly_desk_line"],
            resolved=_count(f.dossiers_resolved, report.language),
            rate=_rate(f.on_time_rate, report.language),
            late=f.dossiers_late,
        ),
        "satisfaction": fill(
            words["yearly_satisfaction_line"], rate=_rate(f.satisfaction_rate, report.language)
        ),
        "risks": fill(words["yearly_risks_line"], open=f.risks_open, high=f.risks_high),
    }
    scope = (
        fill(words["yearly_scope_decision"], decision=report.decision)
        if report.decision
        else words["yearly_scope_none"]
    )
    return _common(report.signing, report.dated, words) | {
        "language": report.language,
        "year": report.year,
        "subject": title,
        "addressee": report.signing.recipients[0] if report.signing.recipients else "",
        "scope": scope,
        "procedures": list(report.procedures),
        "departments": list(report.departments),
        "figures": figures,
        "reviews": [
            {"date": format_date(r.held_on, words), "ref": r.ref, "chair": r.chair}
            for r in report.management_reviews
        ],
        "difficulties": _paragraphs(report.difficulties),
        "proposals": _paragraphs(report.proposals),
        "meta": metadata(
            words["yearly_report_title"],
            str(report.year),
            report.signing.organisation,
            ("TCVN ISO 9001:2015", str(report.year)),
            report.dated,
        ),
    }


def decision_context(decision: ConformityDecisionPrint, words: Mapping[str, str]) -> dict[str, Any]:
    ref = decision.ref
    issued = format_date(decision.issued_on, words)
    effect = words["yearly_article_2"]
    if decision.replaces:
        effect = fill(words["yearly_article_2_replaces"], decision=decision.replaces)
    org = decision.signing.organisation
    return _common(decision.signing, decision.issued_on, words) | {
        "language": decision.language,
        "ref": ref,
        "legal_bases": list(decision.legal_bases),
        "article_1": fill(words["yearly_article_1"], organisation=org),
        "article_2": effect,
        "article_3": fill(words["yearly_article_3"], organisation=org),
        "annex_note": fill(words["yearly_annex_note"], decision=ref, date=issued, organisation=org),
        "procedures": list(decision.procedures),
        "departments": list(decision.departments),
        "meta": metadata(
            words["yearly_decision_title"],
            ref,
            org,
            ("TCVN ISO 9001:2015", ref),
            decision.issued_on,
        ),
    }


def _report_cells(report: YearlyReport) -> int:
    return len(report.procedures) + 3 * len(report.management_reviews)


def _decision_cells(decision: ConformityDecisionPrint) -> int:
    return 2 * len(decision.procedures) + len(decision.departments)


YEARLY_REPORT = RecordLayout(
    template=REPORT_TEMPLATE,
    cells=_report_cells,
    context=lambda report, words, _limits: report_context(report, words),
)
CONFORMITY_DECISION = RecordLayout(
    template=DECISION_TEMPLATE,
    cells=_decision_cells,
    context=lambda decision, words, _limits: decision_context(decision, words),
)
