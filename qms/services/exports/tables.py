"""The tables of the measurement area as workbooks: the objectives of a year with their
results, the one-stop-desk figures (on-time rate per procedure, field and department),
satisfaction per field and quarter, complaints and feedback, and the risks with their
actions. Readers and scope as for the printed reports; each export is on the trail."""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlmodel import Session

from qms.errors import PermissionDenied
from qms.i18n import pmsg, translate
from qms.models import User
from qms.render.record_labels import coded, record_labels_for
from qms.services.desk import feedback, rates
from qms.services.documents import register as documents
from qms.services.exports.workbook import Column, Kind, Sheet, build
from qms.services.objectives import views
from qms.services.objectives.periods import Frequency
from qms.services.objectives.report import Scope, record_output, report_scope
from qms.services.people import organisation
from qms.services.risks import views as risk_views

FEEDBACK_KINDS = {
    "complaint": pmsg("Spreadsheet", "Complaint"),
    "feedback": pmsg("Spreadsheet", "Feedback"),
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Columns that several tables share.
REFERENCE = Column(pmsg("Spreadsheet", "Reference"), Kind.TEXT, 13)
DEPARTMENT = Column(pmsg("Spreadsheet", "Department"), Kind.TEXT, 11)
INDICATOR = Column(pmsg("Spreadsheet", "Indicator"), Kind.TEXT, 48)
TARGET = Column(pmsg("Spreadsheet", "Target"), Kind.NUMBER)
PERIOD = Column(pmsg("Spreadsheet", "Period"), Kind.TEXT, 10)
RECORDED_BY = Column(pmsg("Spreadsheet", "Recorded by"), Kind.TEXT, 14)
NONCONFORMITY = Column(pmsg("Spreadsheet", "Nonconformity"), Kind.TEXT, 15)

OBJECTIVE_COLUMNS = (
    REFERENCE,
    Column(pmsg("Spreadsheet", "Year"), Kind.INTEGER, 7),
    DEPARTMENT,
    INDICATOR,
    Column(pmsg("Spreadsheet", "Unit"), Kind.TEXT, 10),
    Column(pmsg("Spreadsheet", "Direction"), Kind.TEXT, 9),
    TARGET,
    Column(pmsg("Spreadsheet", "Frequency"), Kind.TEXT, 13),
    Column(pmsg("Spreadsheet", "Owner"), Kind.TEXT, 14),
    Column(pmsg("Spreadsheet", "Version"), Kind.INTEGER, 8),
    Column(pmsg("Spreadsheet", "Status"), Kind.TEXT, 12),
    Column(pmsg("Spreadsheet", "Approved by"), Kind.TEXT, 14),
    Column(pmsg("Spreadsheet", "Approved at (UTC)"), Kind.DATETIME),
    Column(pmsg("Spreadsheet", "Plan: what"), Kind.TEXT, 40),
    Column(pmsg("Spreadsheet", "Plan: resources"), Kind.TEXT, 30),
    Column(pmsg("Spreadsheet", "Plan: who"), Kind.TEXT, 20),
    Column(pmsg("Spreadsheet", "Plan: when"), Kind.TEXT, 20),
    Column(pmsg("Spreadsheet", "Evaluation method"), Kind.TEXT, 30),
)
RESULT_COLUMNS = (
    REFERENCE,
    INDICATOR,
    PERIOD,
    Column(pmsg("Spreadsheet", "Value"), Kind.NUMBER),
    TARGET,
    Column(pmsg("Spreadsheet", "Met"), Kind.YES_NO),
    Column(pmsg("Spreadsheet", "Trend"), Kind.TEXT, 12),
    Column(pmsg("Spreadsheet", "Origin"), Kind.TEXT, 14),
    Column(pmsg("Spreadsheet", "Comment"), Kind.TEXT, 40),
    NONCONFORMITY,
    RECORDED_BY,
    Column(pmsg("Spreadsheet", "Recorded at (UTC)"), Kind.DATETIME),
)
ON_TIME_COLUMNS = (
    PERIOD,
    Column(pmsg("Spreadsheet", "Group"), Kind.TEXT, 48),
    Column(pmsg("Spreadsheet", "Received"), Kind.INTEGER),
    Column(pmsg("Spreadsheet", "Resolved"), Kind.INTEGER),
    Column(pmsg("Spreadsheet", "Early or on time"), Kind.INTEGER, 14),
    Column(pmsg("Spreadsheet", "Late"), Kind.INTEGER),
    Column(pmsg("Spreadsheet", "Pending overdue"), Kind.INTEGER, 14),
    Column(pmsg("Spreadsheet", "On-time rate (%)"), Kind.NUMBER, 14),
)
SATISFACTION_COLUMNS = (
    PERIOD,
    Column(pmsg("Spreadsheet", "Field"), Kind.TEXT, 30),
    Column(pmsg("Spreadsheet", "Answers"), Kind.INTEGER),
    Column(pmsg("Spreadsheet", "Satisfied"), Kind.INTEGER),
    Column(pmsg("Spreadsheet", "Satisfaction rate (%)"), Kind.NUMBER, 14),
)
FEEDBACK_COLUMNS = (
    REFERENCE,
    Column(pmsg("Spreadsheet", "Kind"), Kind.TEXT, 12),
    Column(pmsg("Spreadsheet", "Received on"), Kind.DATE),
    Column(pmsg("Spreadsheet", "Channel"), Kind.TEXT, 14),
    Column(pmsg("Spreadsheet", "Field"), Kind.TEXT, 20),
    DEPARTMENT,
    Column(pmsg("Spreadsheet", "Summary"), Kind.TEXT, 60),
    RECORDED_BY,
    NONCONFORMITY,
)
RISK_COLUMNS = (
    Column(pmsg("Spreadsheet", "Reference"), Kind.TEXT, 10),
    Column(pmsg("Spreadsheet", "Kind"), Kind.TEXT, 11),
    DEPARTMENT,
    Column(pmsg("Spreadsheet", "Process"), Kind.TEXT, 24),
    Column(pmsg("Spreadsheet", "Risk or opportunity"), Kind.TEXT, 44),
    Column(pmsg("Spreadsheet", "Cause"), Kind.TEXT, 30),
    Column(pmsg("Spreadsheet", "Effect"), Kind.TEXT, 30),
    Column(pmsg("Spreadsheet", "Likelihood"), Kind.INTEGER),
    Column(pmsg("Spreadsheet", "Impact"), Kind.INTEGER),
    Column(pmsg("Spreadsheet", "Level"), Kind.TEXT, 11),
    Column(pmsg("Spreadsheet", "Treatment"), Kind.TEXT, 12),
    Column(pmsg("Spreadsheet", "Likelihood after treatment"), Kind.INTEGER, 14),
    Column(pmsg("Spreadsheet", "Impact after treatment"), Kind.INTEGER, 14),
    Column(pmsg("Spreadsheet", "Level after treatment"), Kind.TEXT, 14),
    Column(pmsg("Spreadsheet", "Next review"), Kind.DATE),
    Column(pmsg("Spreadsheet", "Review overdue"), Kind.YES_NO),
    Column(pmsg("Spreadsheet", "Status"), Kind.TEXT, 10),
)
ACTION_COLUMNS = (
    Column(pmsg("Spreadsheet", "Reference"), Kind.TEXT, 10),
    Column(pmsg("Spreadsheet", "No."), Kind.INTEGER, 6),
    Column(pmsg("Spreadsheet", "Action"), Kind.TEXT, 50),
    Column(pmsg("Spreadsheet", "Owner"), Kind.TEXT, 14),
    Column(pmsg("Spreadsheet", "Due date"), Kind.DATE),
    Column(pmsg("Spreadsheet", "Done"), Kind.YES_NO),
    Column(pmsg("Spreadsheet", "Overdue"), Kind.YES_NO),
)


def _export(
    session: Session, actor: User, what: str, scope: Scope, sheets: list[Sheet], language: str
) -> bytes:
    """The workbook of ``sheets``; its export is on the trail."""
    data = build(sheets, language=language)
    record_output(session, actor, action="report.export", what=what, scope=scope, format="xlsx")
    return data


def objectives_xlsx(
    session: Session,
    *,
    actor: User,
    year: int,
    department: str | None = None,
    language: str | None = None,
) -> bytes:
    """Sheets: the objectives of ``year`` (latest version) and every result."""
    scope = report_scope(session, actor, department)
    lang = documents.language_or_default(session, language)
    words = record_labels_for(lang)
    shown = [
        v
        for v in views.list_objectives(session, year=year)
        if scope.department is None or v.department == scope.department
    ]
    objectives = [
        (
            v.ref,
            v.year,
            v.department or "",
            v.indicator,
            v.unit,
            "≥" if v.direction == "at_least" else "≤",
            v.target,
            coded(words, "frequency_", v.frequency),
            v.owner,
            v.version,
            v.status,
            v.approved_by,
            v.approved_at,
            v.plan_what,
            v.plan_resources,
            v.plan_who,
            v.plan_when,
            v.evaluation,
        )
        for v in shown
    ]
    results = [
        (
            v.ref,
            v.indicator,
            r.period,
            r.value,
            r.target,
            r.met,
            coded(words, "trend_", r.trend) if r.trend else "",
            r.origin,
            r.comment,
            r.nonconformity,
            r.recorded_by,
            r.recorded_at,
        )
        for v in shown
        for r in v.results
    ]
    return _export(
        session,
        actor,
        f"objectives-{year}",
        scope,
        [
            Sheet(pmsg("Spreadsheet", "Objectives"), OBJECTIVE_COLUMNS, objectives),
            Sheet(pmsg("Spreadsheet", "Results"), RESULT_COLUMNS, results),
        ],
        lang,
    )


def _on_time(rows: Sequence[rates.OnTimeRow]) -> Iterator[tuple[Any, ...]]:
    for r in rows:
        yield (
            r.period,
            r.group,
            r.received,
            r.resolved,
            r.on_time,
            r.late,
            r.pending_overdue,
            r.rate,
        )


def desk_xlsx(session: Session, *, actor: User, year: int, language: str | None = None) -> bytes:
    """Sheets: on-time figures per procedure and month, per field and quarter, per
    department and quarter; satisfaction per field and quarter; complaints and feedback.
    The whole organisation's figures: for coordinators, leaders and admins."""
    scope = report_scope(session, actor)
    if scope.department is not None:
        raise PermissionDenied(
            "{user} cannot export the one-stop desk's figures: they cover every department",
            user=actor.username,
        )
    lang = documents.language_or_default(session, language)
    quarterly = Frequency.QUARTERLY

    def table(by: str, frequency: Frequency) -> Iterator[tuple[Any, ...]]:
        return _on_time(rates.on_time_table(session, year=year, by=by, frequency=frequency))

    satisfaction = [
        (r.period, r.field, r.answers, r.satisfied, r.rate)
        for r in rates.satisfaction_table(session, year=year)
    ]
    items = [
        (
            f.ref,
            translate(FEEDBACK_KINDS[f.kind], lang) if f.kind in FEEDBACK_KINDS else f.kind,
            f.received_on,
            f.channel,
            f.field,
            f.department,
            f.summary,
            f.recorded_by,
            f.nonconformity,
        )
        for f in feedback.list_feedback(session, year=year)
    ]
    return _export(
        session,
        actor,
        f"desk-{year}",
        scope,
        [
            Sheet(
                pmsg("Spreadsheet", "By procedure and month"),
                ON_TIME_COLUMNS,
                table("procedure", Frequency.MONTHLY),
            ),
            Sheet(
                pmsg("Spreadsheet", "By field and quarter"),
                ON_TIME_COLUMNS,
                table("field", quarterly),
            ),
            Sheet(
                pmsg("Spreadsheet", "By department and quarter"),
                ON_TIME_COLUMNS,
                table("department", quarterly),
            ),
            Sheet(pmsg("Spreadsheet", "Satisfaction"), SATISFACTION_COLUMNS, satisfaction),
            Sheet(pmsg("Spreadsheet", "Complaints and feedback"), FEEDBACK_COLUMNS, items),
        ],
        lang,
    )


def risks_xlsx(
    session: Session,
    *,
    actor: User,
    department: str | None = None,
    language: str | None = None,
) -> bytes:
    """Sheets: every entry of the register (closed ones too) and their actions."""
    scope = report_scope(session, actor, department)
    lang = documents.language_or_default(session, language)
    words = record_labels_for(lang)
    shown = risk_views.register_view(
        session,
        viewer=None,
        today=organisation.today(session),
        department=scope.department,
        include_closed=True,
    )
    risks = [
        (
            v.ref,
            coded(words, "kind_", v.kind),
            v.department,
            v.process,
            v.title,
            v.cause,
            v.effect,
            v.likelihood,
            v.impact,
            coded(words, "level_", v.level),
            coded(words, "treatment_", v.treatment),
            v.residual_likelihood,
            v.residual_impact,
            coded(words, "level_", v.residual_level) if v.residual_level else "",
            v.next_review,
            v.review_overdue,
            v.status,
        )
        for v in shown
    ]
    actions = [
        (v.ref, a.number, a.what, a.owner, a.due, a.done, a.overdue)
        for v in shown
        for a in v.actions
    ]
    return _export(
        session,
        actor,
        "risk-register",
        scope,
        [
            Sheet(pmsg("Spreadsheet", "Risks and opportunities"), RISK_COLUMNS, risks),
            Sheet(pmsg("Spreadsheet", "Actions"), ACTION_COLUMNS, actions),
        ],
        lang,
    )
