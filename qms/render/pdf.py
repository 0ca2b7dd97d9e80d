"""Controlled PDF of one revision: Jinja2 template + WeasyPrint, in the current process.

Callers outside the render layer go through ``qms.render.render_document_pdf``,
which runs this in a worker process with time and memory limits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from qms.render import markdown
from qms.render.body import checked_body
from qms.render.data import DocumentRendition, ListedObjective, SignatureLine, nfc
from qms.render.errors import RenderError, RenderLimitError
from qms.render.figures import target_text
from qms.render.fonts import require_fonts
from qms.render.labels import (
    format_date,
    format_signed_at,
    labels_for,
    page_format_parts,
    watermark_text,
)
from qms.render.limits import DEFAULT_LIMITS, InputLimits
from qms.render.paths import pdf_assets_dir

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

DOCUMENT_TEMPLATE = "document.html"
DOCUMENT_CSS = "document.css"
MEANINGS = ("drafted", "reviewed", "approved")
PDFA_VARIANT = "pdf/a-3b"
# Lengths past which the running header sets the title, department name or code in smaller
# type (document.css), so that the header stays within the page's top margin even for the
# longest the register accepts: a title of 300 capitals, a name of 200, a code of 40.
TITLE_LENGTHS = (100, 180, 240)
DEPARTMENT_LENGTHS = (80, 140)
CODE_LENGTHS = (20,)
# Cells of one row of the objectives annex, counted against the document's table cells.
ANNEX_COLUMNS = 6


@dataclass(frozen=True)
class RenderInput:
    """A whole document as HTML ready for WeasyPrint, with what its fetcher may serve."""

    html: str
    stylesheets: tuple[str, ...]
    images: Mapping[str, bytes]
    generated: Mapping[str, tuple[bytes, str]]
    identifier: bytes


def render_document(
    doc: DocumentRendition,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    assets_dir: Path | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """Render ``doc`` to PDF bytes in this process (no time or memory limit)."""
    assets = assets_dir or pdf_assets_dir()
    prepared = build_document_input(doc, labels=labels, pdfa=pdfa, assets_dir=assets, limits=limits)
    return prepared_to_pdf(prepared, assets_dir=assets, pdfa=pdfa)


def build_document_input(
    doc: DocumentRendition,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    assets_dir: Path,
    limits: InputLimits = DEFAULT_LIMITS,
) -> RenderInput:
    """Check the input, convert the body and fill the template; no WeasyPrint yet."""
    doc = nfc(doc)
    words = labels_for(doc.language, labels)
    body = _checked_body(doc, limits)
    css = read_asset(assets_dir, DOCUMENT_CSS)
    require_fonts(css)
    mark = watermark_text(doc.status, words)
    generated: dict[str, tuple[bytes, str]] = {}
    if mark:
        from qms.render.watermark import watermark_svg

        generated["watermark.svg"] = (watermark_svg(mark), "image/svg+xml")
    safe_body = Markup(body.html)  # noqa: S704 - sanitised by nh3 in markdown.convert
    context = document_context(doc, words, safe_body, mark)
    html = render_template(assets_dir, DOCUMENT_TEMPLATE, context)
    identity = {
        "hash": doc.content_hash,
        "status": doc.status,
        "issue": doc.issue,
        "labels": words,
        "pdfa": pdfa,
    }
    if doc.objectives:  # an issue without an annex keeps the identifier it always had
        identity["objectives"] = [dataclasses.asdict(o) for o in doc.objectives]
    return RenderInput(
        html=html,
        stylesheets=(css,),
        images={ref: doc.images[ref] for ref in sorted(body.image_refs)},
        generated=generated,
        identifier=pdf_identifier(identity),
    )


def prepare(
    doc: DocumentRendition,
    *,
    labels: Mapping[str, str] | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> DocumentRendition:
    """Cheap checks of everything the caller controls; returns the NFC form of ``doc``.

    Runs before a worker is started, so refused input costs no process.
    """
    doc = nfc(doc)
    watermark_text(doc.status, labels_for(doc.language, labels))
    _checked_body(doc, limits)
    return doc


def _checked_body(doc: DocumentRendition, limits: InputLimits) -> markdown.SafeBody:
    annex_cells = ANNEX_COLUMNS * (len(doc.objectives) + 1) if doc.objectives else 0
    if annex_cells > limits.max_table_cells:
        raise RenderLimitError(
            "the annex lists {count} objectives, more than a document's tables may hold",
            count=len(doc.objectives),
        )
    return checked_body(doc.body_markdown, images=doc.images, limits=limits)


def document_context(
    doc: DocumentRendition, words: Mapping[str, str], body: Markup, mark: str | None
) -> dict[str, Any]:
    type_label = words.get(f"type_{doc.doc_type}", doc.doc_type)
    issue = f"{doc.issue:02d}"
    columns = []
    for meaning in MEANINGS:
        lines = [_signer(s, doc.timezone, words) for s in doc.signatures if s.meaning == meaning]
        columns.append({"label": words[meaning], "signers": lines})
    history = [
        {
            "issue": f"{h.issue:02d}",
            "date": format_date(h.effective_date, words),
            "reason": h.reason,
            "description": h.description,
        }
        for h in sorted(doc.history, key=lambda h: h.issue)
    ]
    iso_date = doc.effective_date.isoformat() if doc.effective_date else None
    return {
        "doc": doc,
        "labels": words,
        "type_label": type_label,
        "issue": issue,
        "effective_date": format_date(doc.effective_date, words),
        "page_parts": page_format_parts(words),
        "fit": {
            "title": length_class(doc.title, TITLE_LENGTHS),
            "department": length_class(doc.department, DEPARTMENT_LENGTHS),
            "code": length_class(doc.code, CODE_LENGTHS),
        },
        "columns": columns,
        "history": history,
        "objectives": [_listed(o, doc.language, words) for o in doc.objectives],
        "body": body,
        "status_notice": mark,
        "watermark": mark is not None,
        "meta": {
            "title": doc.title,
            "author": doc.author,
            "subject": f"{type_label} {doc.code}, {words['issue'].lower()} {issue}: {doc.title}",
            "keywords": ", ".join(
                k.replace(",", " ")
                for k in (doc.code, f"{words['issue']} {issue}", type_label, doc.department)
                if k
            ),
            "date": iso_date,
        },
    }


def length_class(text: str, lengths: Sequence[int]) -> str:
    """A CSS class to append, `` long-N`` when ``text`` is longer than N of ``lengths``."""
    passed = sum(len(text) > length for length in lengths)
    return f" long-{passed}" if passed else ""


def _listed(line: ListedObjective, language: str, words: Mapping[str, str]) -> dict[str, str]:
    return {
        "ref": line.ref,
        "version": f"{words['annex_version']} {line.version}",
        "indicator": line.indicator,
        "target": target_text(line.direction, line.target, line.unit, language),
        "frequency": words.get(f"annex_frequency_{line.frequency}", line.frequency),
        "owner": line.owner,
        "department": line.department or words["annex_whole_organisation"],
    }


def _signer(line: SignatureLine, timezone: str, words: Mapping[str, str]) -> dict[str, Any]:
    return {
        "name": line.name,
        "position": line.position,
        "signed_at": format_date(line.signed_on, words)
        if line.on_paper
        else format_signed_at(line.signed_at, timezone, words),
        "valid": line.valid,
        "on_paper": line.on_paper,
    }


def pdf_identifier(identity: Mapping[str, Any]) -> bytes:
    """A fixed PDF /ID derived from the data, so equal input gives equal bytes."""
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32].encode("ascii")


def read_asset(assets_dir: Path, name: str) -> str:
    path = assets_dir / name
    if path.is_symlink() or not path.is_file():
        raise RenderError("asset {name!r} is missing from the PDF templates folder", name=name)
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def _environment(assets_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(assets_dir, followlinks=False),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_template(assets_dir: Path, name: str, context: Mapping[str, Any]) -> str:
    try:
        return _environment(assets_dir).get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            "asset {name!r} is missing from the PDF templates folder", name=str(exc.name)
        ) from exc


def prepared_to_pdf(prepared: RenderInput, *, assets_dir: Path, pdfa: bool = False) -> bytes:
    """WeasyPrint with a fetcher limited to our assets and this document's own data."""
    from qms.render.fetcher import SafeFetcher

    fetcher = SafeFetcher(
        assets_dir=assets_dir, images=prepared.images, generated=prepared.generated
    )
    return html_to_pdf(
        prepared.html,
        fetcher=fetcher,
        stylesheets=prepared.stylesheets,
        identifier=prepared.identifier,
        pdfa=pdfa,
    )


def html_to_pdf(
    html: str,
    *,
    fetcher: URLFetcher | None,
    stylesheets: Sequence[str] = (),
    identifier: bytes,
    pdfa: bool = False,
) -> bytes:
    """The one place that calls WeasyPrint: HTML string -> PDF bytes through ``fetcher``.

    No base URL is given, so relative references resolve to nothing.
    """
    from qms.render.libraries import import_weasyprint

    import_weasyprint()
    from weasyprint import CSS, HTML

    from qms.render.fetcher import MissingResource

    try:
        sheets = [CSS(string=css, url_fetcher=fetcher) for css in stylesheets]
        document = HTML(string=html, url_fetcher=fetcher).render(stylesheets=sheets)
        options: dict[str, Any] = {"pdf_identifier": identifier, "uncompressed_pdf": False}
        if pdfa:
            options["pdf_variant"] = PDFA_VARIANT
        pdf = document.write_pdf(**options)
    except MissingResource as exc:
        raise RenderError("cannot render: {what}", what=exc.what) from None
    except RecursionError:
        raise RenderLimitError("the document is nested too deeply to lay out") from None
    assert isinstance(pdf, bytes)
    return pdf


@contextmanager
def captured_weasyprint_logs() -> Iterator[list[tuple[int, str]]]:
    """Collect what WeasyPrint logs (level, message) while the block runs."""
    records: list[tuple[int, str]] = []

    class _Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append((record.levelno, record.getMessage()))

    logger = logging.getLogger("weasyprint")
    handler = _Collector(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
