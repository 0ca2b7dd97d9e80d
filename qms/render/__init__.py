"""Controlled PDFs: plain data in, PDF bytes out; never a database session.

WeasyPrint is imported only inside the functions that need it, so importing
this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from qms.render.data import (
    AuditReport,
    CapaRecord,
    CapaRegister,
    DocumentRendition,
    HistoryEntry,
    ManualEntry,
    ManualSpec,
    SignatureLine,
    TrailPrint,
)
from qms.render.errors import RenderError, RenderLimitError
from qms.render.limits import DEFAULT_LIMITS, InputLimits
from qms.render.worker import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, run_isolated
from qms.render.worker import start as start_workers

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIME_LIMIT",
    "AuditReport",
    "CapaRecord",
    "CapaRegister",
    "DocumentRendition",
    "HistoryEntry",
    "InputLimits",
    "ManualEntry",
    "ManualSpec",
    "RenderError",
    "RenderLimitError",
    "SignatureLine",
    "TrailPrint",
    "compile_manual",
    "markdown_to_safe_html",
    "render_audit_report_pdf",
    "render_capa_record_pdf",
    "render_capa_register_pdf",
    "render_document_pdf",
    "render_trail_pdf",
    "start_workers",
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


def render_audit_report_pdf(
    report: AuditReport,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """The internal audit report, with the checklist as an annex, rendered in a worker.

    "DRAFT" is drawn across the pages while the audit is planned or in progress.
    """
    from qms.render.records import prepare_audit_report, render_audit_report

    report = prepare_audit_report(report, labels=labels, limits=limits)
    return _in_worker(
        render_audit_report,
        report,
        labels,
        pdfa=pdfa,
        limits=limits,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )


def render_capa_record_pdf(
    record: CapaRecord,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """One corrective action request (phiếu CAR), rendered in a worker process."""
    from qms.render.capa_records import prepare_capa_record, render_capa_record

    record = prepare_capa_record(record, labels=labels, limits=limits)
    return _in_worker(
        render_capa_record,
        record,
        labels,
        pdfa=pdfa,
        limits=limits,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )


def render_capa_register_pdf(
    register: CapaRegister,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """The corrective action register (A4 landscape), rendered in a worker process."""
    from qms.render.capa_records import prepare_capa_register, render_capa_register

    register = prepare_capa_register(register, labels=labels, limits=limits)
    return _in_worker(
        render_capa_register,
        register,
        labels,
        pdfa=pdfa,
        limits=limits,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )


def render_trail_pdf(
    trail: TrailPrint,
    *,
    labels: Mapping[str, str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """The printed audit trail (A4 landscape), rendered in a worker process."""
    from qms.render.trail import prepare_trail_print, render_trail_print

    trail = prepare_trail_print(trail, labels=labels, limits=limits)
    return _in_worker(
        render_trail_print,
        trail,
        labels,
        pdfa=False,
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
) -> bytes:
    """One PDF of the given effective documents: cover, contents, then each document.

    Stored PDFs in ``spec.entries`` are reused as they are; the others are
    rendered in up to ``workers`` processes at a time.
    """
    from qms.render.manual import compile_manual as _compile

    return _compile(
        spec,
        progress=progress,
        workers=workers,
        time_limit=time_limit,
        memory_limit=memory_limit,
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
