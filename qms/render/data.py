"""Plain data handed to the render layer by the services; no database types here."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class SignatureLine:
    meaning: str  # "drafted" | "reviewed" | "approved"
    name: str
    position: str
    signed_at: datetime | None  # naive UTC
    valid: bool  # False when the signed content hash no longer matches
    on_paper: bool = False  # signed by hand on the paper copy, before the system
    signed_on: date | None = None  # the date written on paper


@dataclass(frozen=True)
class HistoryEntry:
    issue: int
    effective_date: date | None
    reason: str
    description: str


@dataclass(frozen=True)
class ListedObjective:
    """An approved quality objective tied to the document, as its annex lists it."""

    ref: str  # MT-2026-01
    version: int
    indicator: str
    target: float
    direction: str  # at_least | at_most
    unit: str
    frequency: str  # monthly | quarterly | half_yearly
    owner: str  # full name
    department: str  # "" for the whole organisation


@dataclass(frozen=True)
class DocumentRendition:
    organisation: str
    code: str
    title: str
    # policy|manual|plan|decision|procedure|work_instruction|form|record_template|external
    doc_type: str
    department: str
    language: str  # "vi" | "en"
    issue: int
    status: str  # draft|in_review|approved|effective|superseded|obsolete
    effective_date: date | None
    body_markdown: str
    content_hash: str  # sha256 hex of the revision content
    signatures: tuple[SignatureLine, ...]
    history: tuple[HistoryEntry, ...]
    # sha256 hex -> image bytes; the Markdown refers to them as ![alt](blob:<sha256>)
    images: Mapping[str, bytes] = field(default_factory=dict)
    author: str = ""  # PDF metadata
    timezone: str = "Asia/Ho_Chi_Minh"  # signatures are shown in local time
    # The approved objectives tied to the document when the issue was rendered (annex).
    objectives: tuple[ListedObjective, ...] = ()


@dataclass(frozen=True)
class ManualEntry:
    rendition: DocumentRendition
    pdf: bytes | None  # stored controlled PDF of this revision, reused as is


@dataclass(frozen=True)
class ManualSpec:
    organisation: str
    title: str
    language: str
    compiled_on: date  # taken from the data, never from the clock
    entries: tuple[ManualEntry, ...]
    subtitle: str = ""  # under the title on the cover: whose documents (a department)


def nfc(value: Any) -> Any:
    """NFC-normalise every string inside ``value`` (dataclasses, tuples, mappings).

    Vietnamese text typed on different keyboards arrives decomposed or precomposed;
    the font's precomposed glyphs and text search both want the composed form.
    Bytes (images, stored PDFs) are left untouched.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: nfc(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(nfc(item) for item in value)
    if isinstance(value, Mapping):
        return {nfc(key): nfc(item) for key, item in value.items()}
    return value


# --------------------------------------------------------------- records (audits, CAPA)


@dataclass(frozen=True)
class RecordSignature:
    """A signature on an audit report or a corrective-action record."""

    meaning: str  # lead_auditor | auditee | verifier | ...
    name: str
    position: str
    signed_at: datetime | None  # naive UTC; None = not signed yet (line left for signing)
    valid: bool = True


@dataclass(frozen=True)
class GradeCount:
    code: str  # C | NC_MAJOR | NC_MINOR | OBS | OFI (configurable data)
    label: str  # in the report's language
    nonconformity: bool
    count: int


@dataclass(frozen=True)
class ReportFinding:
    number: int
    grade: str  # grade label in the report's language
    clause: str
    department: str
    statement: str
    evidence: str
    capa_ref: str = ""  # the corrective action raised from it, if any


@dataclass(frozen=True)
class ReportChecklistItem:
    number: int
    clause: str
    clause_2008: str
    question: str  # in the report's language
    department: str
    result: str  # grade label, "" when not answered
    evidence: str
    attachments: tuple[str, ...] = ()  # file names


@dataclass(frozen=True)
class AuditReport:
    organisation: str
    language: str  # "vi" | "en"
    ref: str
    audit_type: str  # internal | follow_up
    status: str  # planned | in_progress | reported | closed; watermark unless reported/closed
    objectives: str
    departments: tuple[str, ...]  # scope: "VP – Văn phòng HĐND và UBND"
    processes: tuple[str, ...]  # scope: "QT-01 Kiểm soát tài liệu (lần ban hành 3)"
    criteria: tuple[str, ...]  # "ISO 9001:2015 7.5 Thông tin dạng văn bản", and procedures
    lead_auditor: str
    team: tuple[str, ...]
    auditee_rep: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    grade_counts: tuple[GradeCount, ...]
    findings: tuple[ReportFinding, ...]
    other_results: tuple[ReportChecklistItem, ...]  # observations and improvement chances
    checklist: tuple[ReportChecklistItem, ...]  # annex
    conclusions: str  # Markdown
    distribution: tuple[str, ...]
    signatures: tuple[RecordSignature, ...]
    issued_on: date | None  # report date, from the data
    content_hash: str  # sha256 of the audit record the signatures bind to
    timezone: str = "Asia/Ho_Chi_Minh"
    retention: str = ""  # "Thời gian lưu: 5 năm", from the list of records


@dataclass(frozen=True)
class CapaWhyLine:
    position: int
    question: str
    answer: str


@dataclass(frozen=True)
class CapaActionLine:
    number: int
    description: str
    owner: str
    due_date: date
    status: str  # open | done
    done_on: date | None
    done_note: str
    overdue: bool
    document_change: str = ""  # "QT-01 lần ban hành 4 (hiệu lực)" when it raised a revision


@dataclass(frozen=True)
class CapaVerificationLine:
    verifier: str
    position: str
    performed_at: datetime  # naive UTC
    effective: bool
    evidence: str
    valid: bool = True


@dataclass(frozen=True)
class CapaRecord:
    organisation: str
    language: str
    ref: str
    status: str
    source: str  # label in the record's language
    finding: str  # "IA-2026-01 / phát hiện 2 (7.5.3)" or ""
    description: str
    department: str
    clause: str
    severity: str
    reported_by: str
    reported_at: datetime  # naive UTC
    containment: str
    contained_by: str
    contained_at: datetime | None
    whys: tuple[CapaWhyLine, ...]
    cause_category: str
    root_cause: str
    similar_exist: str
    similar_answer: str
    actions: tuple[CapaActionLine, ...]
    verifications: tuple[CapaVerificationLine, ...]
    closed_by: str
    closed_at: datetime | None
    printed_on: date  # from the data
    timezone: str = "Asia/Ho_Chi_Minh"
    retention: str = ""  # "Thời gian lưu: 5 năm", from the list of records


@dataclass(frozen=True)
class CapaRegisterRow:
    ref: str
    reported_on: date
    department: str
    source: str
    severity: str
    status: str
    age_days: int
    open_actions: int
    overdue_actions: int
    description: str


@dataclass(frozen=True)
class TrailPrintRow:
    seq: int
    at: datetime  # naive UTC
    actor: str
    action: str
    entity: str
    entity_id: str
    details: str  # the event's JSON payload, shortened for print
    hash: str


@dataclass(frozen=True)
class TrailPrint:
    """Audit trail events as printed: the filters that chose them, and the state of the
    whole chain (and its anchor) when it was printed."""

    organisation: str
    language: str
    printed_on: date
    filters: tuple[tuple[str, str], ...]  # (entity | entity_id | actor | since | until, value)
    rows: tuple[TrailPrintRow, ...]
    chain_events: int
    chain_problem: str  # "" while the chain is intact, else its first problem, in language
    anchor: str  # the anchor line of the newest event ("" on an empty trail)
    timezone: str = "Asia/Ho_Chi_Minh"
    retention: str = ""  # "Thời gian lưu: 5 năm", from the list of records


@dataclass(frozen=True)
class CapaRegister:
    organisation: str
    language: str
    printed_on: date
    rows: tuple[CapaRegisterRow, ...]
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class RecordsListRow:
    number: int
    name: str
    form_code: str
    process: str
    department: str
    location: str
    medium: str  # paper | electronic | both
    retention: str  # as written in the list: "05 năm", "Lưu vĩnh viễn"
    disposal: str


@dataclass(frozen=True)
class RecordsList:
    """The list of records (danh mục hồ sơ) as printed."""

    organisation: str
    language: str
    printed_on: date
    department: str  # the department it is narrowed to, "" for the whole list
    rows: tuple[RecordsListRow, ...]
    general_disposal: str = ""  # how records are disposed of when a row does not say
    timezone: str = "Asia/Ho_Chi_Minh"
