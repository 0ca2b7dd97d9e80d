"""Controlled PDFs: plain data in, PDF bytes out; never a database session.

WeasyPrint is imported only inside the functions that need it, so importing
this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from qms.render.data import (
    AuditReport,
    CapaRecord,
    CapaRegister,
    DocumentRendition,
    HistoryEntry,
    ListedObjective,
    ManualEntry,
    ManualSpec,
    RecordsList,
    RecordsListRow,
    SignatureLine,
    TrailPrint,
)
from qms.render.errors import InputLimitError, RenderError, RenderInputError, RenderLimitError
from qms.render.limits import DEFAULT_LIMITS, InputLimits
from qms.render.measure_data import ObjectivesPlan, QuarterlyReport, RiskRegister
from qms.render.worker import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, run_isolated
from qms.render.worker import launch as launch_workers
from qms.render.worker import start as start_workers
from qms.render.worker import stop as stop_workers

if TYPE_CHECKING:
    from qms.render.manual import FrontStore
    from qms.render.record_pdf import Record

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIME_LIMIT",
    "AuditReport",
    "CapaRecord",
    "CapaRegister",
    "DocumentRendition",
    "HistoryEntry",
    "InputLimitError",
    "InputLimits",
    "ListedObjective",
    "ManualEntry",
    "ManualSpec",
    "ObjectivesPlan",
    "QuarterlyReport",
    "RecordsList",
    "RecordsListRow",
    "RenderError",
    "RenderInputError",
    "RenderLimitError",
    "RiskRegister",
    "SignatureLine",
    "TrailPrint",
    "compile_manual",
    "launch_workers",
    "markdown_to_safe_html",
    "render_document_pdf",
    "render_record_pdf",
    "start_workers",
    "stop_workers",
]


def render_document_pdf(
    doc: DocumentRendition,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """The controlled PDF of one revision, rendered in a worker process.

    Input caps are checked here, before any worker starts; the render itself
    is stopped at ``time_limit`` seconds or ``memory_limit`` bytes of address
    space with RenderLimitError.
    """
    from qms.render.pdf import prepare, render_document

    doc = prepare(doc, labels=labels, limits=limits)
    return _in_worker(
        render_document,
        doc,
        labels,
        pdfa=pdfa,
        limits=limits,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )


def render_record_pdf(
    record: Record,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """A record's PDF (audit report, corrective action request, its register, the printed
    trail, management review minutes, the list of records, the objectives of a year, the
    quarterly objectives report, the risk register, a public body's yearly report and
    conformity decision: the data's type chooses the layout; ``record_pdf.Record`` lists
    them), rendered in a worker process."""
    from qms.render import record_pdf

    record = record_pdf.prepare(record, labels=labels, limits=limits)
    return _in_worker(
        record_pdf.render,
        record,
        labels,
        pdfa=pdfa,
        limits=limits,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )


def markdown_to_safe_html(text: str) -> str:
    """User Markdown as sanitised HTML (CommonMark + tables, no raw HTML, safe URLs)."""
    from qms.render.markdown import markdown_to_safe_html as _convert

    return _convert(text)


def compile_manual(
    spec: ManualSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 2,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    front_store: FrontStore | None = None,
) -> bytes:
    """One PDF of the given effective documents: cover, contents, then each document.

    Stored PDFs in ``spec.entries`` are reused as they are; the others are
    rendered in up to ``workers`` processes at a time. Cover and contents pages kept
    in ``front_store`` are reused too, and the ones rendered are handed to it.
    """
    from qms.render.manual import compile_manual as _compile

    return _compile(
        spec,
        progress=progress,
        workers=workers,
        time_limit=time_limit,
        memory_limit=memory_limit,
        front_store=front_store,
    )


def _in_worker(
    render: Callable[..., bytes],
    data: object,
    labels: Mapping[str, str] | None,
    *,
    pdfa: bool,
    limits: InputLimits,
    time_limit: float,
    memory_limit: int | None,
) -> bytes:
    """Run one of the PDF renderers on already checked data in an isolated worker."""
    return run_isolated(
        render,
        data,
        labels=dict(labels) if labels else None,
        pdfa=pdfa,
        limits=limits,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )
