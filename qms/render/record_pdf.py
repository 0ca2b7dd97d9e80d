"""Every record PDF by one path: the audit report, the corrective action request and
its register, the printed trail. Each is plain data whose type names its layout."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qms.render.capa_records import CAPA_RECORD, CAPA_REGISTER
from qms.render.data import (
    AuditReport,
    CapaRecord,
    CapaRegister,
    RecordsList,
    TrailPrint,
    nfc,
)
from qms.render.errors import RenderError
from qms.render.limits import DEFAULT_LIMITS, InputLimits
from qms.render.measure_data import ObjectivesPlan, QuarterlyReport, RiskRegister
from qms.render.measure_records import OBJECTIVES_PLAN, QUARTERLY_REPORT, RISK_REGISTER
from qms.render.minutes import REVIEW_MINUTES, ReviewMinutes
from qms.render.records import (
    AUDIT_REPORT,
    RecordLayout,
    checked_labels,
    identity_of,
    render_record,
)
from qms.render.records_list import RECORDS_LIST
from qms.render.trail import TRAIL_PRINT
from qms.render.yearly import (
    CONFORMITY_DECISION,
    YEARLY_REPORT,
    ConformityDecisionPrint,
    YearlyReport,
)

LAYOUTS: dict[type, RecordLayout] = {
    AuditReport: AUDIT_REPORT,
    CapaRecord: CAPA_RECORD,
    CapaRegister: CAPA_REGISTER,
    TrailPrint: TRAIL_PRINT,
    YearlyReport: YEARLY_REPORT,
    ConformityDecisionPrint: CONFORMITY_DECISION,
    ReviewMinutes: REVIEW_MINUTES,
    RecordsList: RECORDS_LIST,
    ObjectivesPlan: OBJECTIVES_PLAN,
    QuarterlyReport: QUARTERLY_REPORT,
    RiskRegister: RISK_REGISTER,
}

Record = (
    AuditReport
    | CapaRecord
    | CapaRegister
    | TrailPrint
    | YearlyReport
    | ConformityDecisionPrint
    | ReviewMinutes
    | RecordsList
    | ObjectivesPlan
    | QuarterlyReport
    | RiskRegister
)


def _layout(record: Any) -> RecordLayout:
    layout = LAYOUTS.get(type(record))
    if layout is None:
        raise RenderError("no layout prints {kind}", kind=type(record).__name__)
    return layout


def _checked(
    record: Record, labels: Mapping[str, str] | None, limits: InputLimits
) -> tuple[Record, dict[str, str]]:
    layout = _layout(record)
    record = nfc(record)
    layout.check(record, limits)
    return record, checked_labels(record, layout.cells(record), labels, limits)


def prepare(
    record: Record, *, labels: Mapping[str, str] | None = None, limits: InputLimits = DEFAULT_LIMITS
) -> Record:
    """Cheap checks of everything the caller controls; returns the NFC form of ``record``."""
    return _checked(record, labels, limits)[0]


def render(
    record: Record,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    assets_dir: Path | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """Render ``record`` to PDF bytes in this process (no time or memory limit)."""
    layout = _layout(record)
    record, words = _checked(record, labels, limits)
    return render_record(
        layout.template,
        layout.context(record, words, limits),
        identity=identity_of(record, words),
        mark=layout.mark(record, words),
        pdfa=pdfa,
        assets_dir=assets_dir,
        charts=layout.charts(record),
    )
