"""An issue written as ``.docx`` for people who must edit in Word (python-docx).

The file has the usual Vietnamese layout, which :mod:`.reader` reads back: the header
table (organisation, title, code, issue, effective date), the signature table, the body
(headings, bulleted and numbered lists to three levels, tables, bold, italic, struck
text, pictures) and the revision-history table. Links keep their text only, and a
numbered list in Word continues the numbering of the one before it unless restarted
there; neither changes what comes back.
"""

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from qms.services.documents.paper import PaperLine

MONOSPACE = "Courier New"
_MAX_LIST_LEVEL = 9
_FIRST_ID = 1000  # numbering ids of ours, clear of the template's


@dataclass(frozen=True)
class Signer:
    meaning_label: str
    name: str
    position: str
    signed_on: str


@dataclass(frozen=True)
class WordIssue:
    """Everything the exported file shows, as plain values; labels in its language."""

    organisation: str
    title: str
    code: str
    issue: int
    effective_date: date | None
    body: str
    images: Mapping[str, bytes]
    signers: Sequence[Signer]
    history: Sequence[PaperLine]
    labels: Mapping[str, str]  # code, issue, issued_on, page, name, position, date, ...


def write(issue: WordIssue) -> bytes:
    from docx import Document as WordFile

    word = WordFile()
    _header(word, issue)
    _signatures(word, issue)
    _Body(word, issue.images).write(issue.body)
    _history(word, issue)
    out = io.BytesIO()
    word.core_properties.title = issue.title
    word.core_properties.subject = f"{issue.code} {issue.issue:02d}"
    word.save(out)
    return out.getvalue()


def _header(word: Any, issue: WordIssue) -> None:
    labels = issue.labels
    table = word.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.cell(0, 0).text = issue.organisation
    table.cell(0, 1).text = issue.title.upper()
    info = table.cell(0, 2)
    info.text = f"{labels['code']}: {issue.code}"
    info.add_paragraph(f"{labels['issue']}: {issue.issue:02d}")
    when = f"{issue.effective_date:%d/%m/%Y}" if issue.effective_date else ""
    info.add_paragraph(f"{labels['effective_date']}: {when}")


def _signatures(word: Any, issue: WordIssue) -> None:
    if not issue.signers:
        return
    table = word.add_table(rows=4, cols=1 + len(issue.signers))
    table.style = "Table Grid"
    for row, label in enumerate(("", labels_of(issue, "name"), labels_of(issue, "position"))):
        table.cell(row, 0).text = label
    table.cell(3, 0).text = labels_of(issue, "date")
    for column, signer in enumerate(issue.signers, start=1):
        table.cell(0, column).text = signer.meaning_label
        table.cell(1, column).text = signer.name
        table.cell(2, column).text = signer.position
        table.cell(3, column).text = signer.signed_on


def labels_of(issue: WordIssue, key: str) -> str:
    return issue.labels[key]


def _history(word: Any, issue: WordIssue) -> None:
    if not issue.history:
        return
    word.add_paragraph(issue.labels["history_title"])
    table = word.add_table(rows=1 + len(issue.history), cols=3)
    table.style = "Table Grid"
    for column, key in enumerate(("issue", "date", "change")):
        table.cell(0, column).text = issue.labels[f"history_{key}"]
    for row, line in enumerate(issue.history, start=1):
        table.cell(row, 0).text = f"{line.issue:02d}"
        table.cell(row, 1).text = f"{line.issued_on:%d/%m/%Y}" if line.issued_on else ""
        table.cell(row, 2).text = line.change


class _Body:
    """Markdown tokens (markdown-it, as our bodies are parsed) to Word paragraphs."""

    def __init__(self, word: Any, images: Mapping[str, bytes]) -> None:
        self.word = word
        self.images = images
        self.lists: list[str] = []  # "bullet" | "number", innermost last
        self.num_id = 0  # the numbering of the list being written
        self.lists_made = 0

    def write(self, body: str) -> None:
        md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
        tokens = md.parse(body)
        index = 0
        while index < len(tokens):
            index = self.block(tokens, index)

    def block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            level = min(int(token.tag[1]), 9)
            self.runs(self.word.add_paragraph(style=f"Heading {level}"), tokens[index + 1])
            return index + 3
        if kind in ("bullet_list_open", "ordered_list_open"):
            if not self.lists:
                self.num_id = self.numbering(_level_kinds(tokens, index))
            self.lists.append("bullet" if kind == "bullet_list_open" else "number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "paragraph_open":
            paragraph = self.list_paragraph() if self.lists else self.word.add_paragraph()
            self.runs(paragraph, tokens[index + 1])
            return index + 3
        elif kind == "table_open":
            return self.table(tokens, index)
        elif kind in ("fence", "code_block"):
            for line in token.content.rstrip("\n").split("\n"):
                self.word.add_paragraph().add_run(line).font.name = MONOSPACE
        elif kind == "hr":
            self.word.add_paragraph()
        return index + 1

    def list_paragraph(self) -> Any:
        from docx.oxml import parse_xml

        paragraph = self.word.add_paragraph(style="List Paragraph")
        level = min(len(self.lists), _MAX_LIST_LEVEL) - 1
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {_W}><w:ilvl w:val="{level}"/><w:numId w:val="{self.num_id}"/></w:numPr>'
            )
        )
        return paragraph

    def numbering(self, kinds: list[str]) -> int:
        """A numbering definition for one list whose levels are ``kinds``; its id."""
        from docx.oxml import parse_xml

        numbering = self.word.part.numbering_part.element
        number = _FIRST_ID + self.lists_made
        self.lists_made += 1
        levels = "".join(
            _level_xml(level, kinds[level] if level < len(kinds) else "bullet")
            for level in range(_MAX_LIST_LEVEL)
        )
        abstract = parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="{number}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>'
        )
        first_num = numbering.find(qn_w("num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(
            parse_xml(f'<w:num {_W} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>')
        )
        return number

    def table(self, tokens: list[Token], index: int) -> int:
        rows: list[list[Token]] = []
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(token)
            index += 1
        columns = max((len(r) for r in rows), default=1)
        table = self.word.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, inline in enumerate(row):
                paragraph = table.cell(r, c).paragraphs[0]
                self.runs(paragraph, inline)
        return index + 1

    def runs(self, paragraph: Any, inline: Token) -> None:
        strong = em = strike = False
        for child in inline.children or ():
            kind = child.type
            if kind in ("strong_open", "strong_close"):
                strong = kind == "strong_open"
            elif kind in ("em_open", "em_close"):
                em = kind == "em_open"
            elif kind in ("s_open", "s_close"):
                strike = kind == "s_open"
            elif kind in ("text", "code_inline"):
                run = paragraph.add_run(child.content)
                run.bold = strong or None
                run.italic = em or None
                run.font.strike = strike or None
                if kind == "code_inline":
                    run.font.name = MONOSPACE
            elif kind == "softbreak":
                paragraph.add_run(" ")
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind == "image":
                self.picture(paragraph, child)

    def picture(self, paragraph: Any, image: Token) -> None:
        from docx.shared import Cm

        src = str(image.attrGet("src") or "")
        data = self.images.get(src.removeprefix("blob:"))
        if data is None:
            paragraph.add_run(image.content)
            return
        shape = paragraph.add_run().add_picture(io.BytesIO(data))
        widest = Cm(16)
        if shape.width > widest:  # as large as it is, within the page's measure
            shape.height = int(shape.height * widest / shape.width)
            shape.width = widest


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def qn_w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _level_kinds(tokens: list[Token], start: int) -> list[str]:
    """Bulleted or numbered, per level, for the list opening at ``start`` (the first list
    met at each depth decides)."""
    kinds: dict[int, str] = {}
    depth = 0
    for token in tokens[start:]:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            kinds.setdefault(depth, "bullet" if token.type == "bullet_list_open" else "number")
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                break
    return [kinds.get(level, "bullet") for level in range(max(kinds, default=0) + 1)]


def _level_xml(level: int, kind: str) -> str:
    fmt, text = ("decimal", f"%{level + 1}.") if kind == "number" else ("bullet", "•")
    indent = 720 * (level + 1)
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr></w:lvl>'
    )
