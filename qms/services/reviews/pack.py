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
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
from qms.services.capa import records as capa_records
from qms.services.people import organisation
from qms.services.reviews import figures, follow_up
from qms.services.reviews.core import SIGNED
from qms.services.reviews.words import FIGURES, INPUTS
from qms.services.risks import views as risk_views
from qms.services.trail.chain import canonical
from qms.services.yearly.figures import local_start

Section = dict[str, Any]


def build(
    session: Session, review: ManagementReview, *, texts: Mapping[str, str], language: str
) -> list[Section]:
    """Every input's section for ``review``'s period, in ``language``."""
    words = translate_all(FIGURES, language)
    period = _Period(
        review.period_from,
        review.period_to,
        organisation.today(session),
        organisation.get_setting(session, "timezone"),
    )
    builders = {
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
    sections = []
    for key in INPUTS:
        section: Section = {"key": key, "figures": [], "head": [], "rows": [], "charts": []}
        builder = builders.get(key)
        if builder is not None:
            builder(session, review, period, words, language, section)
        section["text"] = texts.get(key, "")
        sections.append(section)
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


# ----------------------------------------------------------------------------- inputs


def _previous_actions(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    previous = session.exec(
        select(ManagementReview)
        .where(ManagementReview.status == SIGNED)
        .where(col(ManagementReview.planned_on) <= review.planned_on)
        .where(ManagementReview.id != review.id)
        .order_by(col(ManagementReview.planned_on).desc(), col(ManagementReview.id).desc())
    ).first()
    if previous is None:
        section["figures"] = [[words["previous_review"], words["no_previous"]]]
        return
    lines = follow_up.of_review(session, previous, language=language, today=period.today)
    section["figures"] = [[words["previous_review"], previous.ref]]
    section["head"] = [words["decision"], words["kind"], words["follow_up"], words["status"]]
    section["rows"] = [
        [f"{line.number}. {line.text}", line.kind, line.link, line.state] for line in lines
    ]


def _context(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    rows = session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(col(Revision.effective_at) >= period.since_utc)
        .where(col(Revision.effective_at) < period.until_utc)
        .order_by(col(Revision.effective_at), col(Document.code))
    ).all()
    external = session.exec(
        select(Document)
        .where(Document.doc_type == DocType.EXTERNAL.value)
        .where(col(Document.checked_current_on) >= period.start)
        .where(col(Document.checked_current_on) <= period.end)
    ).all()
    external_ids = {d.id for d in external} | {
        d.id for d, _ in rows if d.doc_type == DocType.EXTERNAL.value
    }
    section["figures"] = [
        [words["issued"], sum(1 for d, _ in rows if d.doc_type != DocType.EXTERNAL.value)],
        [words["external_changed"], len(external_ids)],
    ]
    section["head"] = [words["document"], words["issue"], words["date"]]
    section["rows"] = [
        [f"{d.code} {d.title}", r.issue, figures.day(period.local_day(r.effective_at))]
        for d, r in rows
        if r.effective_at is not None
    ]


def _satisfaction(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    counts = session.exec(
        select(SatisfactionCount)
        .where(col(SatisfactionCount.period_end) >= period.start)
        .where(col(SatisfactionCount.period_end) <= period.end)
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
        session.exec(
            select(Feedback.kind)
            .where(col(Feedback.received_on) >= period.start)
            .where(col(Feedback.received_on) <= period.end)
        ).all()
    )
    section["figures"] = [
        [words["answers"], answers],
        [words["satisfied_rate"], figures.rate(satisfied, answers)],
        [words["complaints"], kinds.get("complaint", 0)],
        [words["feedback"], kinds.get("feedback", 0)],
    ]
    section["head"] = [words["field"], words["answers"], words["satisfied_rate"]]
    section["rows"] = [[f, v[0], figures.rate(v[1], v[0])] for f, v in sorted(per_field.items())]
    if per_period:
        labels = charts.chart_labels(language)
        keys = sorted(per_period)
        section["charts"] = [
            charts.quarter_chart(
                title=labels["satisfaction_rate"],
                quarters=keys,
                rates=[
                    round(100 * per_period[k][1] / per_period[k][0], 1)
                    if per_period[k][0]
                    else None
                    for k in keys
                ],
                rate_label=labels["result"],
            )
        ]


def _objectives(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    rows = session.exec(
        select(Objective, ObjectiveResult, ObjectiveVersion)
        .join(ObjectiveResult, col(ObjectiveResult.objective_id) == Objective.id)
        .join(ObjectiveVersion, col(ObjectiveVersion.id) == ObjectiveResult.version_id)
        .where(col(ObjectiveResult.period_end) >= period.start)
        .where(col(ObjectiveResult.period_end) <= period.end)
        .order_by(col(Objective.ref), col(ObjectiveResult.period_end))
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
    section["figures"] = [
        [words["objective"], len(per)],
        [words["results"], total],
        [words["met"], met],
        [words["not_met"], total - met],
    ]
    section["head"] = [words["objective"], words["target"], words["latest"], words["met"]]
    section["rows"] = [
        [f"{ref}: {e['indicator']}", e["target"], e["latest"], figures.share(e["met"], e["n"])]
        for ref, e in per.items()
    ]
    if per:
        section["charts"] = [
            charts.rate_chart(
                title=words["met_share"],
                labels=list(per),
                rates=[round(100 * e["met"] / e["n"], 1) for e in per.values()],
                rate_label=words["met"],
            )
        ]


def _processes(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    stats = session.exec(
        select(DossierStat).where(col(DossierStat.period).in_(period.months))
    ).all()
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for s in stats:
        t = per_field[s.field]
        t[0] += s.received
        t[1] += s.early + s.on_time + s.late
        t[2] += s.early + s.on_time
        t[3] += s.late
    totals = [sum(t[i] for t in per_field.values()) for i in range(4)]
    section["figures"] = [
        [words["received"], totals[0]],
        [words["resolved"], totals[1]],
        [words["on_time"], totals[2]],
        [words["late"], totals[3]],
        [words["on_time_rate"], figures.rate(totals[2], totals[1])],
    ]
    section["head"] = [
        words["field"],
        words["received"],
        words["resolved"],
        words["late"],
        words["on_time_rate"],
    ]
    fields = sorted(per_field)
    section["rows"] = [
        [
            f,
            per_field[f][0],
            per_field[f][1],
            per_field[f][3],
            figures.rate(per_field[f][2], per_field[f][1]),
        ]
        for f in fields
    ]
    if fields:
        labels = charts.chart_labels(language)
        section["charts"] = [
            charts.rate_chart(
                title=labels["on_time_rate"],
                labels=fields,
                rates=[
                    round(100 * per_field[f][2] / per_field[f][1], 1) if per_field[f][1] else 0.0
                    for f in fields
                ],
                rate_label=labels["result"],
            )
        ]


def _nonconformities(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    cars = session.exec(
        select(CorrectiveActionRequest).order_by(col(CorrectiveActionRequest.ref))
    ).all()
    opened = [c for c in cars if period.since <= _naive(c.reported_at) < period.until]
    open_now = [c for c in cars if c.status != CapaStatus.CLOSED.value]
    overdue_ids = {
        a.capa_id
        for a in session.exec(select(CapaAction).where(CapaAction.status == "open")).all()
        if capa_records.is_overdue(a, period.today)
    }
    closed = [
        c
        for c in cars
        if c.closed_at is not None and period.since <= _naive(c.closed_at) < period.until
    ]
    checks = session.exec(
        select(CapaVerification.effective)
        .where(col(CapaVerification.performed_at) >= period.since_utc)
        .where(col(CapaVerification.performed_at) < period.until_utc)
    ).all()
    sources = Counter(c.source for c in opened)
    source_words = translate_all(capa_records.SOURCE_LABELS, language)
    codes = dict(session.exec(select(Department.id, Department.code)).all())
    section["figures"] = [
        [words["opened"], len(opened)],
        *[[f"– {source_words.get(s, s)}", n] for s, n in sorted(sources.items())],
        [words["open_now"], len(open_now)],
        [words["overdue_now"], len([c for c in open_now if c.id in overdue_ids])],
        [words["closed"], len(closed)],
        [words["effective"], sum(1 for e in checks if e)],
        [words["ineffective"], sum(1 for e in checks if not e)],
    ]
    section["head"] = [words["source"], words["department"], words["status"]]
    section["rows"] = [
        [
            f"{c.ref} ({source_words.get(c.source, c.source)})",
            codes.get(c.department_id, ""),
            word_for(CapaStatus, c.status, language)
            + (" – " + words["overdue_now"] if c.id in overdue_ids else ""),
        ]
        for c in open_now
    ]


def _monitoring(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    results = session.exec(
        select(ObjectiveResult.met)
        .where(col(ObjectiveResult.period_end) >= period.start)
        .where(col(ObjectiveResult.period_end) <= period.end)
    ).all()
    months = session.exec(
        select(DossierStat.period).where(col(DossierStat.period).in_(period.months)).distinct()
    ).all()
    answers = sum(
        session.exec(
            select(SatisfactionCount.answers)
            .where(col(SatisfactionCount.period_end) >= period.start)
            .where(col(SatisfactionCount.period_end) <= period.end)
        ).all()
    )
    section["figures"] = [
        [words["measured"], len(results)],
        [words["met"], sum(1 for m in results if m)],
        [words["months_imported"], figures.share(len(months), len(period.months))],
        [words["answers"], answers],
    ]


def _audits(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    audits = [
        a
        for a in session.exec(
            select(Audit).order_by(col(Audit.planned_start), col(Audit.ref))
        ).all()
        if period.holds(a.actual_start or a.planned_start)
    ]
    found = Counter(
        session.exec(
            select(Finding.audit_id).where(col(Finding.audit_id).in_([a.id for a in audits]))
        ).all()
    )
    held = [a for a in audits if a.status in ("reported", "closed")]
    section["figures"] = [
        [words["audits_held"], figures.share(len(held), len(audits))],
        [words["findings"], sum(found.values())],
    ]
    section["head"] = [words["audit"], words["date"], words["status"], words["findings"]]
    section["rows"] = [
        [
            a.ref,
            figures.day(a.actual_start or a.planned_start),
            word_for(AuditStatus, a.status, language),
            found.get(pk(a), 0),
        ]
        for a in audits
    ]


def _risks(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    risks = session.exec(select(Risk)).all()
    open_ = [r for r in risks if r.status == "open"]
    reviewed = [
        r for r in risks if r.reviewed_at and period.since <= _naive(r.reviewed_at) < period.until
    ]
    actions = session.exec(select(RiskAction)).all()
    done = [a for a in actions if a.done_at and period.since <= _naive(a.done_at) < period.until]
    overdue = [a for a in actions if a.done_at is None and a.due < period.today]
    section["figures"] = [
        [words["open_risks"], len(open_)],
        [words["level_high"], sum(1 for r in open_ if (r.residual_level or r.level) == "high")],
        [words["reviewed"], len(reviewed)],
        [words["actions_done"], len(done)],
        [words["actions_overdue"], len(overdue)],
    ]
    if open_:
        views = risk_views.register_view(session, viewer=None, today=period.today)
        section["charts"] = [risk_views.matrix_svg(session, views=views, language=language)]


def _improvement(
    session: Session,
    review: ManagementReview,
    period: _Period,
    words: dict[str, str],
    language: str,
    section: Section,
) -> None:
    rows = session.exec(
        select(Risk, Department)
        .join(Department, col(Department.id) == Risk.department_id)
        .where(Risk.kind == "opportunity")
        .where(Risk.status == "open")
        .order_by(col(Risk.ref))
    ).all()
    section["figures"] = [[words["opportunities"], len(rows)]]
    section["head"] = [words["title"], words["department"]]
    section["rows"] = [[f"{r.ref}: {r.title}", d.code] for r, d in rows]


def _naive(value: datetime) -> datetime:
    return naive_utc(value)
