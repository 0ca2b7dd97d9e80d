"""Compile a manual: cover and contents pages, then each document, reused or rendered.

Each document keeps its own controlled rendition (and so its own running
header and "page x of y"). Stored renditions are reused byte for byte; the
missing ones are rendered in worker processes, two at a time by default. The
cover and each page of the contents (a fixed number of rows) are rendered as
pieces of their own, keyed by exactly what they print: a caller's store hands
back the pieces it kept, so after one document changed only the contents page
that lists it is laid out again. pikepdf (qpdf) assembles the parts, adds one
bookmark per document and turns the contents entries into links to each
document's first page. Only PDF bytes are kept between steps.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

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
CONTENTS_ROWS_PER_PAGE = 25  # rows of one contents piece: a page, unless long titles wrap
_MAX_FRONT_ATTEMPTS = 4


@dataclass(frozen=True)
class ContentsRow:
    code: str
    title: str
    issue: str
    page: int  # 1-based page of the compiled manual


@dataclass(frozen=True)
class FrontMatter:
    """A cover and/or contents rows, as one WeasyPrint render."""

    organisation: str
    title: str
    language: str
    compiled_on: str
    compiled_iso: str
    rows: tuple[ContentsRow, ...]
    identifier: bytes
    subtitle: str = ""
    cover: bool = True
    contents: bool = True
    documents: int | None = None  # on the cover; the number of rows when not given
    first_page: int = 1  # the printed number of this piece's first page
    first_index: int = 0  # the link index of its first row
    contents_heading: bool = True

    @property
    def document_count(self) -> int:
        return len(self.rows) if self.documents is None else self.documents


class FrontStore(Protocol):
    """Where a caller keeps rendered cover and contents pieces, by their key."""

    def get_many(self, keys: Sequence[str]) -> Mapping[str, bytes]: ...

    def put(self, key: str, pdf: bytes) -> None: ...


def compile_manual(
    spec: ManualSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 2,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    assets_dir: Path | None = None,
    front_store: FrontStore | None = None,
) -> bytes:
    """Cover, contents and every entry's controlled PDF as one deterministic PDF.

    With ``front_store``, cover and contents pieces it holds are reused, and the ones
    rendered for this manual are handed to it."""
    spec = nfc(spec)
    job = _Compilation(spec, workers, time_limit, memory_limit, assets_dir, front_store)
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
    from a cheap scan of each stored PDF, so the cover and contents pieces can
    render in workers as soon as the last document is done. Every count is
    confirmed by the full parse, and every piece's own page count by its render;
    a wrong one only costs a second render of the pieces it moves.
    """

    def __init__(
        self,
        spec: ManualSpec,
        workers: int,
        time_limit: float,
        memory_limit: int | None,
        assets_dir: Path | None,
        front_store: FrontStore | None,
    ) -> None:
        self.spec = spec
        self.words = labels_for(spec.language)
        self.assets_dir = assets_dir
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.store = front_store
        self.missing = [i for i, entry in enumerate(spec.entries) if entry.pdf is None]
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self.parts: list[Pdf | None] = [None] * len(spec.entries)
        self.counts: list[int | None] = [None] * len(spec.entries)
        # Pages of the cover and of each contents piece: one each until a render says.
        self.piece_pages = [1] * (1 + max(1, -(-len(spec.entries) // CONTENTS_ROWS_PER_PAGE)))
        self.assets_digest = ""
        self.planned: tuple[list[int], list[int]] | None = None  # counts and piece pages
        self.front: list[tuple[str, FrontMatter]] | None = None
        self.kept: dict[str, bytes] = {}
        self.rendered: dict[str, Future[bytes]] = {}
        self.front_readers: list[Pdf] = []
        self.manual = b""

    def run(self, report: Callable[[int], None]) -> None:
        entries = self.spec.entries
        for i in self.missing:  # refuse bad input before any worker starts
            _tagged(self.spec, i, prepare, entries[i].rendition)
        self.assets_digest = _assets_digest(self.assets_dir or pdf_assets_dir())
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
        front, front_pages = self._front_reader()
        identifier = _manual_identifier(self.spec, self._known_counts() or [])
        self.manual = _assemble(front, front_pages, self._parts(), self.spec, identifier)

    def _parsed(self, index: int, pdf: bytes) -> None:
        reader = _tagged(self.spec, index, _open, pdf)
        self.parts[index] = reader
        self.counts[index] = len(reader.pages)

    def _known_counts(self) -> list[int] | None:
        counts = [count for count in self.counts if count is not None]
        return counts if len(counts) == len(self.counts) else None

    def _start_front(self) -> None:
        """Plan the cover and contents pieces for the counts known now; take the ones the
        store holds and start rendering the others."""
        counts = self._known_counts()
        if counts is None or self.planned == (counts, self.piece_pages):
            return
        self.planned = (counts, list(self.piece_pages))
        pieces = _front_pieces(self.spec, self.words, counts, self.piece_pages, self.assets_digest)
        self.front = pieces
        wanted = [key for key, _ in pieces if key not in self.kept and key not in self.rendered]
        if self.store is not None and wanted:
            self.kept.update(self.store.get_many(wanted))
        for key, piece in pieces:
            if key not in self.kept and key not in self.rendered:
                self.rendered[key] = self.pool.submit(
                    run_isolated,
                    render_front_matter,
                    piece,
                    self.assets_dir,
                    time_limit=self.time_limit,
                    memory_limit=self.memory_limit,
                )

    def _front_reader(self) -> tuple[Pdf, int]:
        """Cover and contents as one document, every piece with the page count it was
        planned with, and the number of its pages."""
        for _ in range(_MAX_FRONT_ATTEMPTS):
            self._start_front()
            assert self.front is not None
            readers = [_open(self._piece(key)) for key, _ in self.front]
            pages = [len(reader.pages) for reader in readers]
            if pages == self.piece_pages:
                self._hand_over()
                front = readers[0]
                for reader in readers[1:]:
                    front.pages.extend(reader.pages)
                self.front_readers = readers  # the copied pages read from them until saved
                return front, sum(pages)
            self.piece_pages = pages
        raise RenderError("the contents pages did not settle on a page count")

    def _piece(self, key: str) -> bytes:
        kept = self.kept.get(key)
        return kept if kept is not None else self.rendered[key].result()

    def _hand_over(self) -> None:
        """Give the store the pieces rendered for this manual (not the discarded ones)."""
        assert self.front is not None
        if self.store is None:
            return
        for key, _ in self.front:
            if key in self.rendered:
                self.store.put(key, self.rendered[key].result())

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


def _front_pieces(
    spec: ManualSpec,
    words: Mapping[str, str],
    counts: list[int],
    piece_pages: list[int],
    assets_digest: str,
) -> list[tuple[str, FrontMatter]]:
    """The cover and the contents pieces, each with the key of what it prints."""
    rows = []
    page = sum(piece_pages) + 1
    for entry, count in zip(spec.entries, counts, strict=True):
        doc = entry.rendition
        rows.append(ContentsRow(doc.code, doc.title, f"{doc.issue:02d}", page))
        page += count
    common: dict[str, Any] = {
        "organisation": spec.organisation,
        "title": spec.title,
        "language": spec.language,
        "compiled_on": format_date(spec.compiled_on, words),
        "compiled_iso": spec.compiled_on.isoformat(),
        "subtitle": spec.subtitle,
        "identifier": b"",
    }
    pieces = [FrontMatter(**common, rows=(), documents=len(rows), contents=False)]
    first_page = 1 + piece_pages[0]
    starts = range(0, max(1, len(rows)), CONTENTS_ROWS_PER_PAGE)
    for pages, start in zip(piece_pages[1:], starts, strict=True):
        chunk = tuple(rows[start : start + CONTENTS_ROWS_PER_PAGE])
        pieces.append(
            FrontMatter(
                **common,
                rows=chunk,
                cover=False,
                first_page=first_page,
                first_index=start,
                contents_heading=start == 0,
            )
        )
        first_page += pages
    return [_keyed(piece, words, assets_digest) for piece in pieces]


def _keyed(
    piece: FrontMatter, words: Mapping[str, str], assets_digest: str
) -> tuple[str, FrontMatter]:
    """``piece`` with its key: a digest of everything it prints and how it is laid out,
    which is also its PDF identifier (equal input, equal bytes)."""
    printed = dataclasses.asdict(piece)
    del printed["identifier"]
    identity = {"front": printed, "labels": dict(words), "assets": assets_digest}
    canonical = json.dumps(identity, ensure_ascii=False, sort_keys=True).encode("utf-8")
    key = hashlib.sha256(canonical).hexdigest()
    return key, dataclasses.replace(piece, identifier=key[:32].encode("ascii"))


def _assets_digest(assets: Path) -> str:
    """What a new version of the cover and contents template or style would change."""
    texts = [read_asset(assets, name) for name in (MANUAL_CSS, MANUAL_TEMPLATE)]
    return hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()


def _manual_identifier(spec: ManualSpec, counts: list[int]) -> bytes:
    """The manual's PDF identifier: its title and date and every part it holds."""
    identity = {
        "manual": [spec.organisation, spec.title, spec.language, spec.compiled_on.isoformat()]
        + ([spec.subtitle] if spec.subtitle else []),
        "documents": [
            [e.rendition.code, e.rendition.issue, e.rendition.content_hash, count]
            for e, count in zip(spec.entries, counts, strict=True)
        ],
    }
    canonical = json.dumps(identity, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()[:32].encode("ascii")


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
    numbering = f"@page :first {{ counter-reset: page {int(front.first_page)} }}"
    page = RenderInput(
        html=html,
        stylesheets=(css, numbering),
        images={},
        generated={},
        identifier=front.identifier,
    )
    return prepared_to_pdf(page, assets_dir=assets)


def _assemble(
    front: Pdf, front_pages: int, parts: list[Pdf], spec: ManualSpec, identifier: bytes
) -> bytes:
    import pikepdf
    from pikepdf import Array, Name, OutlineItem, String

    # The front matter is the base: its metadata (no clock dates) stays.
    manual = front
    manual.trailer.ID = Array([String(identifier), String(identifier)])
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
