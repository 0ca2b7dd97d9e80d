"""Compile a manual: cover and contents rendered fresh, documents reused or rendered.

Each document keeps its own controlled rendition (and so its own running
header and "page x of y"). Stored renditions are reused byte for byte; the
missing ones are rendered in worker processes, two at a time by default. Only
the cover and contents go through WeasyPrint here, and pikepdf (qpdf) assembles
the parts, adds one bookmark per document and turns the contents entries into
links to each document's first page. Only PDF bytes are kept between steps.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.render.data import ManualSpec, nfc
from qms.render.errors import RenderError
from qms.render.labels import format_date, labels_for
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import (
    RenderInput,
    prepare,
    prepared_to_pdf,
    read_asset,
    render_document,
    render_template,
)
from qms.render.worker import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, run_isolated

if TYPE_CHECKING:
    from pikepdf import Pdf

MANUAL_TEMPLATE = "manual.html"
MANUAL_CSS = "manual.css"
LINK_SCHEME = "qms-toc:"
_MAX_FRONT_ATTEMPTS = 4


@dataclass(frozen=True)
class ContentsRow:
    code: str
    title: str
    issue: str
    page: int  # 1-based page of the compiled manual


@dataclass(frozen=True)
class FrontMatter:
    organisation: str
    title: str
    language: str
    compiled_on: str
    compiled_iso: str
    rows: tuple[ContentsRow, ...]
    identifier: bytes
    subtitle: str = ""


def compile_manual(
    spec: ManualSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 2,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    assets_dir: Path | None = None,
) -> bytes:
    """Cover, contents and every entry's controlled PDF as one deterministic PDF."""
    spec = nfc(spec)
    job = _Compilation(spec, workers, time_limit, memory_limit, assets_dir)
    total = len(spec.entries) + 1
    report = progress or (lambda done, total: None)
    try:
        job.run(lambda done: report(done, total))
    finally:
        job.pool.shutdown(wait=True, cancel_futures=True)
    report(total, total)
    return job.manual


class _Compilation:
    """One manual build; keeps parsed parts (qpdf documents), never WeasyPrint documents.

    The order is chosen so that work overlaps: missing documents render in
    workers while this thread parses the stored ones; page counts come first
    from a cheap scan of each stored PDF, so the contents can render in a
    worker as soon as the last document is done. Every count is confirmed by
    the full parse; a wrong one only costs a second contents render.
    """

    def __init__(
        self,
        spec: ManualSpec,
        workers: int,
        time_limit: float,
        memory_limit: int | None,
        assets_dir: Path | None,
    ) -> None:
        self.spec = spec
        self.words = labels_for(spec.language)
        self.assets_dir = assets_dir
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.missing = [i for i, entry in enumerate(spec.entries) if entry.pdf is None]
        self.pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(self.missing))))
        self.parts: list[Pdf | None] = [None] * len(spec.entries)
        self.counts: list[int | None] = [None] * len(spec.entries)
        self.front_pages = 1 + max(1, -(-len(spec.entries) // 30))  # cover + ~30 rows a page
        self.front: tuple[list[int], int, Future[bytes]] | None = None
        self.manual = b""

    def run(self, report: Callable[[int], None]) -> None:
        entries = self.spec.entries
        for i in self.missing:  # refuse bad input before any worker starts
            _tagged(self.spec, i, prepare, entries[i].rendition)
        stored = [i for i, entry in enumerate(entries) if entry.pdf is not None]
        for i in stored:
            self.counts[i] = quick_page_count(entries[i].pdf or b"")
        done = len(stored)
        if done:
            report(done)
        renders: dict[Future[bytes], int] = {
            self.pool.submit(
                run_isolated,
                render_document,
                entries[i].rendition,
                assets_dir=self.assets_dir,
                time_limit=self.time_limit,
                memory_limit=self.memory_limit,
            ): i
            for i in self.missing
        }
        pending = set(renders)
        to_parse = list(reversed(stored))
        while pending or to_parse:
            finished = {future for future in pending if future.done()}
            if not finished and not to_parse:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                pending.discard(future)
                i = renders[future]
                self._parsed(i, _tagged(self.spec, i, future.result))
                done += 1
                report(done)
            if not pending:
                self._start_front()
            if to_parse:
                i = to_parse.pop()
                self._parsed(i, entries[i].pdf or b"")
        self._start_front()
        self.manual = _assemble(self._front_reader(), self.front_pages, self._parts(), self.spec)

    def _parsed(self, index: int, pdf: bytes) -> None:
        reader = _tagged(self.spec, index, _open, pdf)
        self.parts[index] = reader
        self.counts[index] = len(reader.pages)

    def _known_counts(self) -> list[int] | None:
        counts = [count for count in self.counts if count is not None]
        return counts if len(counts) == len(self.counts) else None

    def _start_front(self) -> None:
        counts = self._known_counts()
        if counts is None or (self.front and self.front[:2] == (counts, self.front_pages)):
            return
        front = _front_matter(self.spec, self.words, counts, self.front_pages)
        future = self.pool.submit(
            run_isolated,
            render_front_matter,
            front,
            self.assets_dir,
            time_limit=self.time_limit,
            memory_limit=self.memory_limit,
        )
        self.front = (counts, self.front_pages, future)

    def _front_reader(self) -> Pdf:
        """The front matter rendered with the confirmed counts and its own page count."""
        for _ in range(_MAX_FRONT_ATTEMPTS):
            self._start_front()
            assert self.front is not None
            reader = _open(self.front[2].result())
            if len(reader.pages) == self.front_pages:
                return reader
            self.front_pages = len(reader.pages)
        raise RenderError("the contents pages did not settle on a page count")

    def _parts(self) -> list[Pdf]:
        return [part for part in self.parts if part is not None]


_STREAM_RE = re.compile(rb"<<([^>]*?/Type\s*/ObjStm[^>]*?)>>\s*stream\r?\n", re.DOTALL)
_PAGES_RE = re.compile(rb"<<(?:(?!>>).)*?/Type\s*/Pages\b(?:(?!>>).)*?>>", re.DOTALL)
_COUNT_RE = re.compile(rb"/Count\s+(\d+)")
_LENGTH_RE = re.compile(rb"/Length\s+(\d+)")


def quick_page_count(pdf: bytes) -> int | None:
    """Page count of a PDF as WeasyPrint writes it, from its object streams alone.

    Scanning for the single ``/Type /Pages`` dictionary needs no PDF library, so
    the contents can start rendering before the parts are parsed. Anything
    unexpected gives None, and the full parse is the authority either way.
    """
    found: list[int] = []
    for match in _STREAM_RE.finditer(pdf):
        length = _LENGTH_RE.search(match[1])
        if not length or b"/FlateDecode" not in match[1]:
            return None
        start = match.end()
        try:
            data = zlib.decompress(pdf[start : start + int(length[1])])
        except zlib.error:
            return None
        for dictionary in _PAGES_RE.findall(data):
            if count := _COUNT_RE.search(dictionary):
                found.append(int(count[1]))
    return found[0] if len(found) == 1 else None


def _open(pdf: bytes) -> Pdf:
    """Parse ``pdf`` (its cross-reference table and page tree; objects load on use)."""
    import pikepdf

    try:
        parsed = pikepdf.Pdf.open(io.BytesIO(pdf))
        if not len(parsed.pages):
            raise RenderError("the PDF has no pages")
    except (pikepdf.PdfError, ValueError) as exc:
        raise RenderError("the PDF cannot be read ({reason})", reason=str(exc)) from None
    return parsed


def _tagged(spec: ManualSpec, index: int, call: Callable[..., Any], *args: Any) -> Any:
    """Run ``call``; a RenderError gets the document's code in front of its message."""
    try:
        return call(*args)
    except RenderError as exc:
        raise exc.located(spec.entries[index].rendition.code) from None


def _front_matter(
    spec: ManualSpec, words: Mapping[str, str], counts: list[int], front_pages: int
) -> FrontMatter:
    rows = []
    page = front_pages + 1
    for entry, count in zip(spec.entries, counts, strict=True):
        doc = entry.rendition
        rows.append(ContentsRow(doc.code, doc.title, f"{doc.issue:02d}", page))
        page += count
    identity = {
        "manual": [spec.organisation, spec.title, spec.language, spec.compiled_on.isoformat()]
        + ([spec.subtitle] if spec.subtitle else []),
        "documents": [
            [e.rendition.code, e.rendition.issue, e.rendition.content_hash, count]
            for e, count in zip(spec.entries, counts, strict=True)
        ],
    }
    canonical = json.dumps(identity, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return FrontMatter(
        organisation=spec.organisation,
        title=spec.title,
        language=spec.language,
        compiled_on=format_date(spec.compiled_on, words),
        compiled_iso=spec.compiled_on.isoformat(),
        rows=tuple(rows),
        identifier=hashlib.sha256(canonical).hexdigest()[:32].encode("ascii"),
        subtitle=spec.subtitle,
    )


def render_front_matter(front: FrontMatter, assets_dir: Path | None = None) -> bytes:
    """Cover and contents pages; each contents row links to ``qms-toc:<index>``."""
    assets = assets_dir or pdf_assets_dir()
    from qms.render.fonts import require_fonts

    css = read_asset(assets, MANUAL_CSS)
    require_fonts(css)
    words = labels_for(front.language)
    html = render_template(
        assets,
        MANUAL_TEMPLATE,
        {"front": front, "labels": words, "link_scheme": LINK_SCHEME},
    )
    page = RenderInput(
        html=html, stylesheets=(css,), images={}, generated={}, identifier=front.identifier
    )
    return prepared_to_pdf(page, assets_dir=assets)


def _assemble(front: Pdf, front_pages: int, parts: list[Pdf], spec: ManualSpec) -> bytes:
    import pikepdf
    from pikepdf import Array, Name, OutlineItem

    # The front matter is the base: its fixed /ID and its metadata (no clock dates) stay.
    manual = front
    starts: list[int] = []
    for part in parts:
        starts.append(len(manual.pages))
        manual.pages.extend(part.pages)
    for page in manual.pages[:front_pages]:
        for annotation in page.obj.get("/Annots", ()):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(LINK_SCHEME):
                continue
            target = manual.pages[starts[int(uri.removeprefix(LINK_SCHEME))]]
            del annotation["/A"]
            annotation.Dest = Array([target.obj, Name.Fit])
    with manual.open_outline() as outline:
        for start, entry in zip(starts, spec.entries, strict=True):
            doc = entry.rendition
            outline.root.append(OutlineItem(f"{doc.code} — {doc.title}", start))
    manual.Root.PageMode = Name.UseOutlines
    out = io.BytesIO()
    manual.save(
        out,
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
    )
    return out.getvalue()
