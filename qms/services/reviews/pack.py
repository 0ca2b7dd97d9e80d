"""The input pack of a review: one section per input of clause 9.3.2, each with the
figures, tables and charts of the period as the database holds them when the meeting
starts, and the coordinator's text for what the data does not say.

The pack is built once, its words translated into the organisation's language, and
frozen as canonical JSON with its hash: later changes to the data change nothing in it.
Its values are frozen raw (see :mod:`.figures`) and written the reader's way when shown.
The period runs from the first to the last of its days where the organisation is.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from qms.clock import naive_utc
from qms.domain import AuditStatus, CapaStatus, DocType
from qms.domain_words import word_for
from qms.i18n import translate_all
from qms.models import (
    Audit,
    CapaAction,
    CapaVerification,
    CorrectiveActionRequest,
    Department,
    Document,
    DossierStat,
    Feedback,
    Finding,
    ManagementReview,
    Objective,
    ObjectiveResult,
    ObjectiveVersion,
    Revision,
    Risk,
    RiskAction,
    SatisfactionCount,
    pk,
)
from qms.render import charts
from qms.services import numbering
from qms.services.capa import records as capa_records
from qms.services.people import organisation
from qms.services.reviews import figures, follow_up
from qms.services.reviews.core import SIGNED
from qms.services.reviews.figures import Cell
from qms.services.reviews.words import FIGURES, INPUTS
from qms.services.risks import views as risk_views
from qms.services.trail.chain import canonical
from qms.services.yearly.figures import local_start

Section = dict[str, Any]


def build(
    session: Session, review: ManagementReview, *, texts: Mapping[str, str], language: str
) -> list[Section]:
    """Every input's section for ``review``'s period, in ``language``."""
    scope = _Scope(
        session=session,
        review=review,
        period=_Period(
            review.period_from,
            review.period_to,
            organisation.today(session),
            organisation.get_setting(session, "timezone"),
        ),
        words=translate_all(FIGURES, language),
        language=language,
    )
    sections = []
    for key in INPUTS:
        builder = _BUILDERS.get(key)
        part = builder(scope) if builder is not None else _Part()
        sections.append({"key": key, **asdict(part), "text": texts.get(key, "")})
    return sections


def freeze(sections: list[Section]) -> tuple[str, str]:
    """The pack as stored (canonical JSON) and its SHA-256."""
    frozen = canonical({"sections": sections})
    return frozen, hashlib.sha256(frozen.encode()).hexdigest()


def thaw(pack: str) -> list[Section]:
    if not pack:
        return []
    sections: list[Section] = json.loads(pack)["sections"]
    return sections


class _Period:
    def __init__(self, start: date, end: date, today: date, zone: str) -> None:
        self.start, self.end, self.today, self.zone = start, end, today, zone
        # The first instant of the first day and of the day after the last, where the
        # organisation is: aware for queries on stored (UTC) times, and as naive UTC.
        self.since_utc = local_start(start, zone)
        self.until_utc = local_start(end + timedelta(days=1), zone)
        self.since, self.until = naive_utc(self.since_utc), naive_utc(self.until_utc)
        months = []
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        self.months = months

    def holds(self, value: date | None) -> bool:
        return value is not None and self.start <= value <= self.end

    def local_day(self, value: datetime) -> date:
        """The organisation's calendar day of a stored (UTC) time."""
        aware = naive_utc(value).replace(tzinfo=UTC)
        return aware.astimezone(ZoneInfo(self.zone)).date()

    def holds_time(self, value: datetime | None) -> bool:
        return value is not None and self.since <= naive_utc(value) < self.until

    def dates(self, column: Any) -> ColumnElement[bool]:
        """The query condition: the date in ``column`` falls in the period."""
        return and_(col(column) >= self.start, col(column) <= self.end)

    def times(self, column: Any) -> ColumnElement[bool]:
        """The query condition: the stored (UTC) time in ``column`` falls in the period."""
        return and_(col(column) >= self.since_utc, col(column) < self.until_utc)


@dataclass(frozen=True)
class _Scope:
    """What every input reads: the database, the review and its period, the pack's words."""

    session: Session
    review: ManagementReview
    period: _Period
    words: dict[str, str]
    language: str

    def figures(self, *lines: tuple[str, Cell]) -> list[list[Cell]]:
        """Figure lines: each label (a key of FIGURES) in words, with its raw value."""
        return [[self.words[key], value] for key, value in lines]

    def head(self, *keys: str) -> list[str]:
        return [self.words[key] for key in keys]


@dataclass
class _Part:
    """What one input shows: figure lines (label, value), a table, charts (SVG)."""

    figures: list[list[Cell]] = field(default_factory=list)
    head: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)


def _line(label: str, value: Cell) -> list[Cell]:
    return [label, value]


def _rate(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, rounded for a chart; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


# ----------------------------------------------------------------------------- inputs


def _previous_actions(s: _Scope) -> _Part:
    previous = s.session.exec(
        select(ManagementReview)
        .where(ManagementReview.status == SIGNED)
        .where(col(ManagementReview.planned_on) <= s.review.planned_on)
        .where(ManagementReview.id != s.review.id)
        .order_by(col(ManagementReview.planned_on).desc(), col(ManagementReview.id).desc())
    ).first()
    if previous is None:
        return _Part(figures=s.figures(("previous_review", s.words["no_previous"])))
    lines = follow_up.of_review(s.session, previous, language=s.language, today=s.period.today)
    return _Part(
        figures=s.figures(("previous_review", previous.ref)),
        head=s.head("decision", "kind", "follow_up", "status"),
        rows=[[f"{line.number}. {line.text}", line.kind, line.link, line.state] for line in lines],
    )


def _context(s: _Scope) -> _Part:
    rows = s.session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(s.period.times(Revision.effective_at))
        .order_by(col(Revision.effective_at), col(Document.code))
    ).all()
    external = s.session.exec(
        select(Document)
        .where(Document.doc_type == DocType.EXTERNAL.value)
        .where(s.period.dates(Document.checked_current_on))
    ).all()
    external_ids = {d.id for d in external} | {
        d.id for d, _ in rows if d.doc_type == DocType.EXTERNAL.value
    }
    return _Part(
        figures=s.figures(
            ("issued", sum(1 for d, _ in rows if d.doc_type != DocType.EXTERNAL.value)),
            ("external_changed", len(external_ids)),
        ),
        head=s.head("document", "issue", "date"),
        rows=[
            [
                f"{d.code} {d.title}",
                r.issue,
                figures.day(s.period.local_day(r.effective_at)),
            ]
            for d, r in rows
            if r.effective_at is not None
        ],
    )


def _satisfaction(s: _Scope) -> _Part:
    counts = s.session.exec(
        select(SatisfactionCount).where(s.period.dates(SatisfactionCount.period_end))
    ).all()
    per_period: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in counts:
        for bucket in (per_period[c.period], per_field[c.field]):
            bucket[0] += c.answers
            bucket[1] += c.answers if c.satisfied else 0
    answers = sum(v[0] for v in per_field.values())
    satisfied = sum(v[1] for v in per_field.values())
    kinds = Counter(
        s.session.exec(select(Feedback.kind).where(s.period.dates(Feedback.received_on))).all()
    )
    part = _Part(
        figures=s.figures(
            ("answers", answers),
            ("satisfied_rate", figures.rate(satisfied, answers)),
            ("complaints", kinds.get("complaint", 0)),
            ("feedback", kinds.get("feedback", 0)),
        ),
        head=s.head("field", "answers", "satisfied_rate"),
        rows=[[f, v[0], figures.rate(v[1], v[0])] for f, v in sorted(per_field.items())],
    )
    if per_period:
        labels = charts.chart_labels(s.language)
        keys = sorted(per_period)
        part.charts = [
            charts.quarter_chart(
                title=labels["satisfaction_rate"],
                quarters=keys,
                rates=[_rate(per_period[k][1], per_period[k][0]) for k in keys],
                rate_label=labels["result"],
            )
        ]
    return part


def _objectives(s: _Scope) -> _Part:
    rows = s.session.exec(
        select(Objective, ObjectiveResult, ObjectiveVersion)
        .join(ObjectiveResult, col(ObjectiveResult.objective_id) == Objective.id)
        .join(ObjectiveVersion, col(ObjectiveVersion.id) == ObjectiveResult.version_id)
        .where(s.period.dates(ObjectiveResult.period_end))
        .order_by(
            col(Objective.year),
            *numbering.in_order(col(Objective.ref)),
            col(ObjectiveResult.period_end),
        )
    ).all()
    per: dict[str, dict[str, Any]] = {}
    for objective, result, version in rows:
        entry = per.setdefault(
            objective.ref, {"indicator": version.indicator, "unit": version.unit, "n": 0, "met": 0}
        )
        entry["n"] += 1
        entry["met"] += 1 if result.met else 0
        entry["target"] = figures.target(result.direction, result.target, version.unit)
        entry["latest"] = figures.result(result.value, result.period)
    met = sum(e["met"] for e in per.values())
    total = sum(e["n"] for e in per.values())
    part = _Part(
        figures=s.figures(
            ("objective", len(per)), ("results", total), ("met", met), ("not_met", total - met)
        ),
        head=s.head("objective", "target", "latest", "met"),
        rows=[
            [f"{ref}: {e['indicator']}", e["target"], e["latest"], figures.share(e["met"], e["n"])]
            for ref, e in per.items()
        ],
    )
    if per:
        part.charts = [
            charts.rate_chart(
                title=s.words["met_share"],
                labels=list(per),
                rates=[_rate(e["met"], e["n"]) or 0.0 for e in per.values()],
                rate_label=s.words["met"],
            )
        ]
    return part


def _processes(s: _Scope) -> _Part:
    stats = s.session.exec(
        select(DossierStat).where(col(DossierStat.period).in_(s.period.months))
    ).all()
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for stat in stats:
        t = per_field[stat.field]
        t[0] += stat.received
        t[1] += stat.early + stat.on_time + stat.late
        t[2] += stat.early + stat.on_time
        t[3] += stat.late
    totals = [sum(t[i] for t in per_field.values()) for i in range(4)]
    fields = sorted(per_field)
    part = _Part(
        figures=s.figures(
            ("received", totals[0]),
            ("resolved", totals[1]),
            ("on_time", totals[2]),
            ("late", totals[3]),
            ("on_time_rate", figures.rate(totals[2], totals[1])),
        ),
        head=s.head("field", "received", "resolved", "late", "on_time_rate"),
        rows=[
            [f, t[0], t[1], t[3], figures.rate(t[2], t[1])] for f, t in sorted(per_field.items())
        ],
    )
    if fields:
        labels = charts.chart_labels(s.language)
        part.charts = [
            charts.rate_chart(
                title=labels["on_time_rate"],
                labels=fields,
                rates=[_rate(per_field[f][2], per_field[f][1]) or 0.0 for f in fields],
                rate_label=labels["result"],
            )
        ]
    return part


def _nonconformities(s: _Scope) -> _Part:
    cars = s.session.exec(
        select(CorrectiveActionRequest).order_by(
            col(CorrectiveActionRequest.year), col(CorrectiveActionRequest.number)
        )
    ).all()
    opened = [c for c in cars if s.period.holds_time(c.reported_at)]
    open_now = [c for c in cars if c.status != CapaStatus.CLOSED.value]
    overdue_ids = {
        a.capa_id
        for a in s.session.exec(select(CapaAction).where(CapaAction.status == "open")).all()
        if capa_records.is_overdue(a, s.period.today)
    }
    closed = [c for c in cars if s.period.holds_time(c.closed_at)]
    checks = s.session.exec(
        select(CapaVerification.effective).where(s.period.times(CapaVerification.performed_at))
    ).all()
    sources = Counter(c.source for c in opened)
    source_words = translate_all(capa_records.SOURCE_LABELS, s.language)
    codes = dict(s.session.exec(select(Department.id, Department.code)).all())
    return _Part(
        figures=[
            *s.figures(("opened", len(opened))),
            *[_line(f"– {source_words.get(k, k)}", n) for k, n in sorted(sources.items())],
            *s.figures(
                ("open_now", len(open_now)),
                ("overdue_now", len([c for c in open_now if c.id in overdue_ids])),
                ("closed", len(closed)),
                ("effective", sum(1 for e in checks if e)),
                ("ineffective", sum(1 for e in checks if not e)),
            ),
        ],
        head=s.head("source", "department", "status"),
        rows=[
            [
                f"{c.ref} ({source_words.get(c.source, c.source)})",
                codes.get(c.department_id, ""),
                word_for(CapaStatus, c.status, s.language)
                + (" – " + s.words["overdue_now"] if c.id in overdue_ids else ""),
            ]
            for c in open_now
        ],
    )


def _monitoring(s: _Scope) -> _Part:
    results = s.session.exec(
        select(ObjectiveResult.met).where(s.period.dates(ObjectiveResult.period_end))
    ).all()
    months = s.session.exec(
        select(DossierStat.period).where(col(DossierStat.period).in_(s.period.months)).distinct()
    ).all()
    answers = sum(
        s.session.exec(
            select(SatisfactionCount.answers).where(s.period.dates(SatisfactionCount.period_end))
        ).all()
    )
    return _Part(
        figures=s.figures(
            ("measured", len(results)),
            ("met", sum(1 for m in results if m)),
            ("months_imported", figures.share(len(months), len(s.period.months))),
            ("answers", answers),
        )
    )


def _audits(s: _Scope) -> _Part:
    audits = [
        a
        for a in s.session.exec(
            select(Audit).order_by(col(Audit.planned_start), col(Audit.year), col(Audit.number))
        ).all()
        if s.period.holds(a.actual_start or a.planned_start)
    ]
    found = Counter(
        s.session.exec(
            select(Finding.audit_id).where(col(Finding.audit_id).in_([a.id for a in audits]))
        ).all()
    )
    held = [a for a in audits if a.status in ("reported", "closed")]
    return _Part(
        figures=s.figures(
            ("audits_held", figures.share(len(held), len(audits))),
            ("findings", sum(found.values())),
        ),
        head=s.head("audit", "date", "status", "findings"),
        rows=[
            [
                a.ref,
                figures.day(a.actual_start or a.planned_start),
                word_for(AuditStatus, a.status, s.language),
                found.get(pk(a), 0),
            ]
            for a in audits
        ],
    )


def _risks(s: _Scope) -> _Part:
    risks = s.session.exec(select(Risk)).all()
    open_ = [r for r in risks if r.status == "open"]
    reviewed = [r for r in risks if s.period.holds_time(r.reviewed_at)]
    actions = s.session.exec(select(RiskAction)).all()
    done = [a for a in actions if s.period.holds_time(a.done_at)]
    overdue = [a for a in actions if a.done_at is None and a.due < s.period.today]
    part = _Part(
        figures=s.figures(
            ("open_risks", len(open_)),
            ("level_high", sum(1 for r in open_ if (r.residual_level or r.level) == "high")),
            ("reviewed", len(reviewed)),
            ("actions_done", len(done)),
            ("actions_overdue", len(overdue)),
        )
    )
    if open_:
        views = risk_views.register_view(s.session, viewer=None, today=s.period.today)
        part.charts = [risk_views.matrix_svg(s.session, views=views, language=s.language)]
    return part


def _improvement(s: _Scope) -> _Part:
    rows = s.session.exec(
        select(Risk, Department)
        .join(Department, col(Department.id) == Risk.department_id)
        .where(Risk.kind == "opportunity")
        .where(Risk.status == "open")
        .order_by(*numbering.in_order(col(Risk.ref)))
    ).all()
    return _Part(
        figures=s.figures(("opportunities", len(rows))),
        head=s.head("title", "department"),
        rows=[[f"{r.ref}: {r.title}", d.code] for r, d in rows],
    )


# The inputs the database holds figures for (the others carry the coordinator's text only).
_BUILDERS: dict[str, Callable[[_Scope], _Part]] = {
    "previous_actions": _previous_actions,
    "context": _context,
    "satisfaction": _satisfaction,
    "objectives": _objectives,
    "processes": _processes,
    "nonconformities": _nonconformities,
    "monitoring": _monitoring,
    "audits": _audits,
    "risks": _risks,
    "improvement": _improvement,
}
