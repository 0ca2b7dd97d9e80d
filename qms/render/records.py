"""Record PDFs (audit report; corrective action in ``capa_records``): plain data -> PDF.

The same pipeline as controlled documents: input caps first, Jinja2 with
autoescape, Markdown only through the sanitiser, WeasyPrint with the safe
fetcher, a /ID derived from the data. Each kind of record is a ``RecordLayout``;
``qms.render.record_pdf`` prints any of them, and callers outside the render layer go
through ``qms.render.render_record_pdf``, which runs it in a worker process with time
and memory limits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from qms.errors import Text
from qms.render.body import checked_record_text
from qms.render.data import AuditReport, RecordSignature
from qms.render.errors import InputLimitError, RenderError
from qms.render.fonts import require_fonts
from qms.render.labels import format_date, format_signed_at, page_format_parts
from qms.render.limits import InputLimits
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import (
    DOCUMENT_CSS,
    RenderInput,
    pdf_identifier,
    prepared_to_pdf,
    read_asset,
    render_template,
)
from qms.render.record_labels import coded, record_labels_for

AUDIT_TEMPLATE = "audit_report.html"
RECORDS_CSS = "records.css"
AUDIT_STATUSES = ("planned", "in_progress", "reported", "closed")
DRAFT_AUDIT_STATUSES = ("planned", "in_progress")
SIGNATURE_ORDER = ("lead_auditor", "auditee")


# ------------------------------------------------------------------ shared by all records


def _no_mark(record: Any, words: Mapping[str, str]) -> str | None:
    return None


def _no_check(record: Any, limits: InputLimits) -> None:
    return None


def _no_charts(record: Any) -> dict[str, str]:
    return {}


@dataclasses.dataclass(frozen=True)
class RecordLayout:
    """How one kind of record prints: its template, the table cells its data fills (for
    the input caps), any check beyond language, time zone and size, the template's
    context, the watermark drawn across its pages (None: no watermark) and the SVG charts
    it shows, by the ``qms-gen:`` name its template gives them."""

    template: str
    cells: Callable[[Any], int]
    context: Callable[[Any, Mapping[str, str], InputLimits], dict[str, Any]]
    mark: Callable[[Any, Mapping[str, str]], str | None] = _no_mark
    check: Callable[[Any, InputLimits], None] = _no_check
    charts: Callable[[Any], dict[str, str]] = _no_charts


def check_record(record: Any, table_cells: int, limits: InputLimits) -> None:
    """Refuse absurd records before any layout: total text size and table cells."""
    size = _text_bytes(record)
    if size > limits.max_body_bytes:
        raise InputLimitError(
            "the record's text is {size:.1f} MB; the limit is {limit:.1f} MB",
            size=size / 1_000_000,
            limit=limits.max_body_bytes / 1_000_000,
        )
    if table_cells > limits.max_table_cells:
        raise InputLimitError(
            "tables have {cells:,} cells; the limit is {limit:,}",
            cells=table_cells,
            limit=limits.max_table_cells,
        )


def checked_labels(
    record: Any, table_cells: int, labels: Mapping[str, str] | None, limits: InputLimits
) -> dict[str, str]:
    """The labels of ``record`` (which has a ``language`` and a ``timezone``) once its
    language, time zone and size pass."""
    words = record_labels_for(record.language, labels)
    check_timezone(record.timezone, words)
    check_record(record, table_cells, limits)
    return words


def _text_bytes(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_text_bytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return sum(_text_bytes(item) for item in value)
    return 0


def check_timezone(timezone: str, words: Mapping[str, str]) -> None:
    """Raise RenderError for an unknown zone even when no time is printed."""
    format_signed_at(datetime(2000, 1, 1), timezone, words)


def safe_markdown(text: str, what: Text, limits: InputLimits) -> Markup:
    """User Markdown as sanitised HTML; records carry no images, so none may be shown."""
    body = checked_record_text(text, what, limits=limits)
    return Markup(body.html)  # noqa: S704 - sanitised by nh3 in markdown.convert


def local_time(value: datetime | None, timezone: str, words: Mapping[str, str]) -> str:
    return format_signed_at(value, timezone, words) if value else "—"


def date_range(start: date | None, end: date | None, words: Mapping[str, str]) -> str:
    if start is None and end is None:
        return "—"
    if start == end or end is None:
        return format_date(start, words)
    return f"{format_date(start, words)} – {format_date(end, words)}"


def header(
    organisation: str, title: str, meta: Iterable[tuple[str, str]], words: Mapping[str, str]
) -> dict[str, Any]:
    """The running header block: organisation | title | facts and "page x of y"."""
    return {
        "organisation": organisation,
        "title": title,
        "meta": list(meta),
        "page_parts": page_format_parts(words),
    }


def metadata(
    title: str, ref: str, author: str, keywords: Iterable[str], when: date | None
) -> dict[str, Any]:
    return {
        "title": f"{title} {ref}",
        "author": author,
        "subject": ref,
        "keywords": ", ".join(k.replace(",", " ") for k in keywords if k),
        "date": when.isoformat() if when else None,
    }


def signature_columns(
    signatures: Iterable[RecordSignature],
    expected: Mapping[str, str],
    timezone: str,
    words: Mapping[str, str],
) -> list[dict[str, Any]]:
    """One column per meaning: the expected ones first (unsigned lines for missing signers)."""
    signatures = tuple(signatures)
    meanings = list(expected)
    meanings += [s.meaning for s in signatures if s.meaning not in meanings]
    meanings = list(dict.fromkeys(meanings))
    columns = []
    for meaning in meanings:
        signers = [
            {
                "name": s.name,
                "position": s.position,
                "signed": s.signed_at is not None,
                "signed_at": format_signed_at(s.signed_at, timezone, words),
                "valid": s.valid,
            }
            for s in signatures
            if s.meaning == meaning
        ]
        if not signers:
            name = expected.get(meaning, "")
            signers = [
                {"name": name, "position": "", "signed": False, "signed_at": "", "valid": True}
            ]
        columns.append({"label": coded(words, "sig_", meaning), "signers": signers})
    return columns


def render_record(
    template: str,
    context: Mapping[str, Any],
    *,
    identity: Mapping[str, Any],
    mark: str | None,
    pdfa: bool,
    assets_dir: Path | None,
    charts: Mapping[str, str] | None = None,
) -> bytes:
    """Fill ``template`` and lay it out with the document and record stylesheets;
    ``charts`` (name -> SVG text) are served to it as ``qms-gen:<name>``."""
    assets = assets_dir or pdf_assets_dir()
    sheets = (read_asset(assets, DOCUMENT_CSS), read_asset(assets, RECORDS_CSS))
    for css in sheets:
        require_fonts(css)
    generated: dict[str, tuple[bytes, str]] = {
        name: (svg.encode("utf-8"), "image/svg+xml") for name, svg in (charts or {}).items()
    }
    if mark:
        from qms.render.watermark import watermark_svg

        generated["watermark.svg"] = (watermark_svg(mark), "image/svg+xml")
    html = render_template(assets, template, {**context, "watermark": mark is not None})
    prepared = RenderInput(
        html=html,
        stylesheets=sheets,
        images={},
        generated=generated,
        identifier=pdf_identifier({**identity, "pdfa": pdfa}),
    )
    return prepared_to_pdf(prepared, assets_dir=assets, pdfa=pdfa)


def identity_of(record: Any, words: Mapping[str, str]) -> dict[str, Any]:
    return {"record": dataclasses.asdict(record), "labels": dict(words)}


# ------------------------------------------------------------------------- audit report


def _audit_check(report: AuditReport, limits: InputLimits) -> None:
    if report.status not in AUDIT_STATUSES:
        raise RenderError("unknown audit status {status!r}", status=report.status)
    _conclusions(report, limits)


def _conclusions(report: AuditReport, limits: InputLimits) -> Markup:
    return safe_markdown(report.conclusions, Text("conclusions"), limits)


def _audit_cells(report: AuditReport) -> int:
    return (
        2 * len(report.grade_counts)
        + 7 * len(report.findings)
        + 6 * len(report.other_results)
        + 7 * len(report.checklist)
    )


def _audit_mark(report: AuditReport, words: Mapping[str, str]) -> str | None:
    """ "DRAFT" across the pages while the audit is planned or in progress."""
    return words["audit_draft_mark"] if report.status in DRAFT_AUDIT_STATUSES else None


def _audit_context(
    report: AuditReport, words: Mapping[str, str], limits: InputLimits
) -> dict[str, Any]:
    return audit_report_context(report, words, _conclusions(report, limits))


AUDIT_REPORT = RecordLayout(
    template=AUDIT_TEMPLATE,
    cells=_audit_cells,
    context=_audit_context,
    mark=_audit_mark,
    check=_audit_check,
)


def audit_report_context(
    report: AuditReport, words: Mapping[str, str], conclusions: Markup
) -> dict[str, Any]:
    key = "follow_up_report_title" if report.audit_type == "follow_up" else "audit_report_title"
    title = words[key]
    status = coded(words, "audit_status_", report.status)
    facts = [
        (words["ref"], report.ref),
        (words["record_status"], status),
        (words["report_date"], format_date(report.issued_on, words)),
    ]
    expected = {"lead_auditor": report.lead_auditor, "auditee": report.auditee_rep}
    return {
        "report": report,
        "retention": report.retention,
        "labels": words,
        "language": report.language,
        "header": header(report.organisation, title, facts, words),
        "title": title,
        "status": status,
        "planned": date_range(report.planned_start, report.planned_end, words),
        "actual": date_range(report.actual_start, report.actual_end, words),
        "grade_counts": report.grade_counts,
        "nonconformity_total": sum(g.count for g in report.grade_counts if g.nonconformity),
        "findings": sorted(report.findings, key=lambda f: f.number),
        "other_results": sorted(report.other_results, key=lambda i: i.number),
        "checklist": sorted(report.checklist, key=lambda i: i.number),
        "conclusions": conclusions,
        "columns": signature_columns(report.signatures, expected, report.timezone, words),
        "meta": metadata(
            title,
            report.ref,
            report.lead_auditor,
            (report.ref, title, report.organisation),
            report.issued_on,
        ),
    }
