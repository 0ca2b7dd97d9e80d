"""A ``.docx`` read into a Markdown body and its paper particulars.

mammoth turns the Word document into semantic HTML (headings from heading styles,
lists, tables with their merged cells, bold and italic, images, footnotes), and this
module turns that HTML into the Markdown our bodies are written in. mammoth was chosen
over python-docx for reading because it resolves list numbering, styles and footnotes
itself; python-docx writes the ``.docx`` we export (:mod:`.writer`).

What the body format cannot hold is reported with its place (the section it is in):
merged table cells (the text stays in the first cell, the cells it spanned are left
empty), several paragraphs in one cell (joined), lists or tables inside a table cell
(flattened to text), underline, sub- and superscript (plain text), and pictures in
formats other than PNG, JPEG and GIF (left out).
"""

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from qms.errors import Text, ValidationError
from qms.services.documents.paper import PaperLine, PaperSigner
from qms.services.documents.word import package, particulars

MAX_IMAGE_BYTES = 8 * 1024 * 1024  # all pictures of one file
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}
# What would otherwise be read as Markdown: always backslashes, backticks, stars and "<"
# (autolinks); "_" at the edge of a word; "]" that would close a link; "!" before "[";
# "~~"; and "&" that would start an entity. Line starts are escaped apart.
_ESCAPE = re.compile(r"[\\`*<]|(?<!\w)_|_(?!\w)|\](?=[(\[:])|!(?=\[)|~(?=~)|&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)((?:[-+=]|#{1,6}|\d{1,9}[.)])(?=\s|$)|>)", re.MULTILINE)
_NOTE_MARK = re.compile(r"^#(?:foot|end)note-(\d+)$")
_MERGED = Text("merged table cells: the text is in the first cell, the cells it spanned are empty")
_CHARS_PER_PAGE = 2_600  # an A4 page of 11.5 pt text, about


@dataclass(frozen=True)
class Loss:
    """Something of the Word file the body cannot hold, and where it was."""

    where: str
    what: Text


@dataclass
class WordDocument:
    fields: dict[str, Any]  # from the header table: code, title, issue, effective_date, ...
    signers: list[PaperSigner]
    history: list[PaperLine]
    body: str
    images: dict[str, tuple[bytes, str]]  # sha256 -> (bytes, media type)
    losses: list[Loss]
    pages: int


def read(data: bytes, *, suffix: str = ".docx", notes_heading: str = "Notes") -> WordDocument:
    """Read a Word file (ValidationError when it is refused: see :mod:`.package`)."""
    checked = package.check(data, suffix=suffix)
    import mammoth
    from lxml import html as lxml_html

    images: dict[str, tuple[bytes, str]] = {}
    losses: list[Loss] = []
    state = _State(images, losses)
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(checked.data), convert_image=mammoth.images.img_element(state.image)
        )
    except ValidationError:
        raise
    except Exception:  # mammoth raises whatever the damaged XML makes it raise
        raise ValidationError(
            "not a Word file (.docx): the file is damaged or of another kind"
        ) from None
    for message in result.messages:
        if message.type == "warning" and "style" not in message.message.lower():
            losses.append(Loss("", Text("Word reported: {message}", message=message.message)))
    if not result.value.strip():
        raise ValidationError("the Word file has no text")
    root = lxml_html.fragment_fromstring(result.value, create_parent="div")
    converter = _Converter(state, notes_heading)
    body = converter.document(root)
    # Word's own count is stale in files not last saved by Word (python-docx keeps its
    # template's), so the larger of it and an estimate from the text.
    pages = max(checked.pages or 1, -(-len(body) // _CHARS_PER_PAGE))
    return WordDocument(
        converter.fields, converter.signers, converter.history, body, images, losses, pages
    )


@dataclass
class _State:
    images: dict[str, tuple[bytes, str]]
    losses: list[Loss]
    where: str = ""
    image_bytes: int = 0

    def image(self, image: Any) -> dict[str, str]:
        content_type = str(image.content_type or "")
        with image.open() as stream:
            data = stream.read(MAX_IMAGE_BYTES + 1)
        if content_type not in IMAGE_TYPES:
            self.losses.append(
                Loss(self.where, Text("a picture in {kind} format (left out)", kind=content_type))
            )
            return {"alt": str(image.alt_text or "")}
        self.image_bytes += len(data)
        if self.image_bytes > MAX_IMAGE_BYTES:
            raise ValidationError(
                "the pictures of the Word file total more than {limit:,} bytes",
                limit=MAX_IMAGE_BYTES,
            )
        key = hashlib.sha256(data).hexdigest()
        self.images[key] = (data, content_type)
        return {"src": f"blob:{key}", "alt": str(image.alt_text or "")}


@dataclass
class _Converter:
    state: _State
    notes_heading: str
    fields: dict[str, Any] = field(default_factory=dict)
    signers: list[PaperSigner] = field(default_factory=list)
    history: list[PaperLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: int = 0

    def document(self, root: Any) -> str:
        blocks: list[str] = []
        for child in root:
            if _is_footnotes(child):
                self.notes.extend(self.inline(item).strip() for item in child)
                continue
            had_history = bool(self.history)
            blocks.extend(self.block(child))
            if (
                self.history
                and not had_history
                and blocks
                and particulars.HISTORY_TITLE.search(blocks[-1])
            ):
                blocks.pop()  # the history table's own title
        if self.notes:
            blocks.append(f"## {_escape(self.notes_heading)}")
            blocks.append("\n".join(f"{n}. {note}" for n, note in enumerate(self.notes, start=1)))
        return "\n\n".join(b for b in blocks if b.strip()).strip() + "\n"

    def block(self, element: Any) -> Iterator[str]:
        tag = element.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline(element).strip()
            self.state.where = " ".join(element.text_content().split())[:60]
            if text:
                yield "#" * int(tag[1]) + " " + text
        elif tag == "p":
            text = self.inline(element).strip()
            if text:
                yield _LINE_START.sub(r"\1\\\2", text)
        elif tag in ("ul", "ol"):
            yield self.list_(element, 0)
        elif tag == "table":
            yield from self.table(element)
        else:
            for child in element:
                yield from self.block(child)

    def list_(self, element: Any, depth: int) -> str:
        lines = []
        ordered = element.tag == "ol"
        for number, item in enumerate((c for c in element if c.tag == "li"), start=1):
            marker = f"{number}. " if ordered else "- "
            indent = " " * depth
            parts, nested = [_escape(item.text or "")], []
            for child in item:
                if child.tag in ("ul", "ol"):
                    nested.append(self.list_(child, depth + len(marker)))
                elif child.tag in ("p", "table"):
                    parts.append(" " + " ".join(child.text_content().split()))
                else:
                    parts.append(self.inline_child(child))
                parts.append(_escape(child.tail or ""))
            head = "".join(parts).strip()
            lines.append(indent + marker + _LINE_START.sub(r"\1\\\2", head))
            lines.extend(nested)
        return "\n".join(lines)

    def table(self, element: Any) -> Iterator[str]:
        self.tables += 1
        texts = [["\n".join(_cell_lines(cell)) for cell in _cells(tr)] for tr in _rows(element)]
        if not self.fields and (fields := particulars.header_fields(texts)) is not None:
            self.fields = fields
            return
        if not self.signers and (signers := particulars.signers(texts)) is not None:
            self.signers = signers
            return
        if not self.history and (lines := particulars.history(texts)) is not None:
            self.history = lines
            return
        yield self.pipe_table(element)

    def pipe_table(self, element: Any) -> str:
        grid: list[list[str]] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a cell above
        merged = joined = flattened = False
        for tr in _rows(element):
            row: list[str] = []
            for cell in _cells(tr):
                while pending.get(len(row)):
                    pending[len(row)] -= 1
                    row.append("")
                joined = joined or len([c for c in cell if c.tag == "p"]) > 1
                flattened = flattened or any(
                    c.tag in ("ul", "ol", "table") for c in cell.iter() if c is not cell
                )
                span, rowspan = _int(cell.get("colspan")), _int(cell.get("rowspan"))
                merged = merged or span > 1 or rowspan > 1
                for extra in range(span):
                    if rowspan > 1:
                        pending[len(row)] = rowspan - 1
                    row.append("" if extra else self.cell(cell))
            while pending.get(len(row)):
                pending[len(row)] -= 1
                row.append("")
            grid.append(row)
        width = max((len(r) for r in grid), default=1)
        grid = [r + [""] * (width - len(r)) for r in grid] or [[""]]
        where = f"{self.state.where} › " if self.state.where else ""
        for flag, what in (
            (merged, _MERGED),
            (joined, Text("several paragraphs in a table cell, joined into one")),
            (flattened, Text("a list or table inside a table cell, kept as text")),
        ):
            if flag:
                self.state.losses.append(Loss(f"{where}table {self.tables}", what))
        lines = [_pipe_row(grid[0]), "|" + "---|" * width]
        lines.extend(_pipe_row(r) for r in grid[1:])
        return "\n".join(lines)

    def cell(self, cell: Any) -> str:
        parts = []
        for child in cell:
            if child.tag in ("ul", "ol", "table"):
                parts.append(_escape(" ".join(child.text_content().split())))
            else:
                parts.append(self.inline(child).strip())
        if not len(cell):
            parts.append(self.inline(cell).strip())
        return " ".join(p for p in parts if p).replace("\\\n", " ").replace("|", "\\|")

    def inline(self, element: Any) -> str:
        out = [_escape(element.text or "")] if element.tag != "br" else []
        for child in element:
            out.append(self.inline_child(child))
            out.append(_escape(child.tail or ""))
        return "".join(out)

    def inline_child(self, child: Any) -> str:
        tag = child.tag
        if tag == "br":
            return "\\\n"
        if tag == "img":
            src = child.get("src", "")
            alt = _escape(child.get("alt", "") or "")
            return f"![{alt}]({src})" if src.startswith("blob:") else alt
        if tag == "a":
            href = child.get("href", "")
            if href.startswith(("#footnote-ref-", "#endnote-ref-")):
                return ""  # the way back from a note to its mark
            if match := _NOTE_MARK.search(href):
                return f"\\[{match[1]}\\]"
            text = self.inline(child)
            if href.startswith(("http://", "https://", "mailto:")) and not re.search(
                r"[\s()<>]", href
            ):
                return f"[{text}]({href})"
            return text
        inner = self.inline(child)
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("em", "i"):
            return _wrap(inner, "*")
        if tag in ("s", "del"):
            return _wrap(inner, "~~")
        if tag == "sup" and child.find("a") is not None:
            return inner
        if tag in ("u", "sub", "sup"):
            self.state.losses.append(
                Loss(
                    self.state.where,
                    Text("underline, subscript or superscript, kept as plain text"),
                )
            )
        return inner


def _pipe_row(cells: list[str]) -> str:
    return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"


def _wrap(text: str, mark: str) -> str:
    """Emphasis around the words only: Markdown does not close emphasis after a space."""
    stripped = text.strip()
    if not stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\\" + m[0], text.replace("\u00a0", " "))


def _cell_lines(cell: Any) -> list[str]:
    """A table cell as plain lines, one per paragraph or line break."""
    lines: list[str] = []
    for paragraph in cell.iter("p") if cell.find(".//p") is not None else [cell]:
        for br in paragraph.iter("br"):
            br.tail = "\n" + (br.tail or "")
        lines.extend(line.strip() for line in paragraph.text_content().split("\n"))
        for br in paragraph.iter("br"):
            br.tail = (br.tail or "")[1:]
    return [line for line in lines if line]


def _rows(table: Any) -> list[Any]:
    """The rows of ``table`` itself, not those of a table inside one of its cells."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]


def _cells(tr: Any) -> list[Any]:
    return [cell for cell in tr if cell.tag in ("td", "th")]


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 64))
    except ValueError:
        return 1


def _is_footnotes(element: Any) -> bool:
    return element.tag == "ol" and any(
        (li.get("id") or "").startswith(("footnote-", "endnote-")) for li in element
    )
