"""A comparison of two issues on their rendered text: the sanitised HTML of each body cut
into passages (headings, paragraphs, list items, preformatted blocks, tables), matched
with difflib, and inside a changed passage the words that changed marked with ``<del>``
and ``<ins>`` while the formatting around them stays. Tables are compared row by row and
cell by cell.

Every passage is cut from HTML the Markdown converter has sanitised, and what comes out
is sanitised again with the same allow-list plus ``ins`` and ``del`` (marks can leave a
tag unbalanced: the sanitiser closes it).
"""

import difflib
import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

import nh3

from qms.render.markdown import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS, URL_SCHEMES

Op = Literal["equal", "insert", "delete", "replace"]
_VOID = frozenset({"br", "hr", "img"})
_LEAVES = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "pre"})
_CONTAINERS = frozenset({"blockquote", "div", "thead", "tbody"})
_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|\w+|\s+|[^\w\s<&]", re.UNICODE)
_CLASSES = {**ALLOWED_CLASSES, "tr": {"changed", "inserted", "deleted"}}


@dataclass
class _Node:
    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list["_Node | str"] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """Sanitised HTML (well formed, a known set of tags) as a small tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _tree(source: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    return builder.root


def _outer(node: "_Node | str") -> str:
    if isinstance(node, str):
        return html.escape(node, quote=False)
    attrs = "".join(
        f' {name}="{html.escape(value or "", quote=True)}"' for name, value in node.attrs
    )
    if node.tag in _VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{_inner(node)}</{node.tag}>"


def _inner(node: _Node) -> str:
    return "".join(_outer(child) for child in node.children)


def _text(node: "_Node | str") -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(child) for child in node.children)


@dataclass(frozen=True)
class Block:
    """One passage: its tag (``li`` for a list item, ``table`` for a table), its inner
    HTML, its plain text (what is compared) and, for a table, its rows of cells."""

    tag: str
    html: str
    text: str
    rows: tuple[tuple[str, ...], ...] = ()  # inner HTML of each cell, row by row
    header: tuple[bool, ...] = ()  # per row: a row of header cells

    @property
    def key(self) -> str:
        return f"{self.tag}\x00{' '.join(self.text.split())}"


def blocks(source: str) -> list[Block]:
    """The passages of a body's sanitised HTML, in reading order."""
    out: list[Block] = []
    _collect(_tree(source), out)
    return out


def _collect(node: _Node, out: list[Block]) -> None:
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                out.append(Block("p", html.escape(child.strip(), quote=False), child.strip()))
        elif child.tag in _LEAVES:
            out.append(Block(child.tag, _inner(child), _text(child)))
        elif child.tag in ("ul", "ol"):
            for item in child.children:
                if isinstance(item, _Node) and item.tag == "li":
                    _list_item(item, out)
        elif child.tag == "table":
            out.append(_table(child))
        elif child.tag in _CONTAINERS or child.tag == "li":
            _collect(child, out)
        elif child.tag == "hr":
            out.append(Block("hr", "", "―"))
        else:  # inline content at the top (an image on its own line)
            out.append(Block("p", _outer(child), _text(child)))


def _list_item(item: _Node, out: list[Block]) -> None:
    """A list item's own words are one passage; a list inside it gives its own."""
    own = [c for c in item.children if not (isinstance(c, _Node) and c.tag in ("ul", "ol"))]
    nested = _Node("", children=[c for c in item.children if c not in own])
    holder = _Node("li", children=own)
    text = _text(holder)
    if text.strip():
        out.append(Block("li", _inner(holder), text.strip()))
    _collect(nested, out)


def _table(table: _Node) -> Block:
    rows: list[tuple[str, ...]] = []
    header: list[bool] = []
    for row in _rows(table):
        cells = [c for c in row.children if isinstance(c, _Node) and c.tag in ("td", "th")]
        rows.append(tuple(_inner(c) for c in cells))
        header.append(bool(cells) and all(c.tag == "th" for c in cells))
    text = "\n".join(" | ".join(_plain(cell) for cell in row) for row in rows)
    return Block("table", _outer(table), text, tuple(rows), tuple(header))


def _rows(node: _Node) -> list[_Node]:
    found: list[_Node] = []
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == "tr":
                found.append(child)
            elif child.tag in ("thead", "tbody"):
                found.extend(_rows(child))
    return found


def _plain(fragment: str) -> str:
    return _text(_tree(fragment))


def anchor(index: int, block: Block) -> str:
    """A passage's stable name: its place and a hash of its words, so a comment stays
    on its passage while the text around it is unchanged, and is seen to be orphaned when
    the passage itself changes."""
    digest = hashlib.sha256(block.key.encode("utf-8")).hexdigest()[:10]
    return f"p{index}-{digest}"


def passages(source: str) -> list[tuple[str, str]]:
    """A body's passages in reading order, each with its anchor and its safe HTML (for a
    page that shows comments beside the passage they are about)."""
    return [(anchor(i, b), _wrap(b, b.html)) for i, b in enumerate(blocks(source))]


# --- marking the words that changed ------------------------------------------------------


def _tokens(fragment: str) -> list[str]:
    return _TOKEN.findall(fragment)


def _is_tag(token: str) -> bool:
    return token.startswith("<")


def _marked(tokens: list[str], mark: str) -> str:
    """``tokens`` with their words (not their tags) inside ``<mark>`` runs."""
    out: list[str] = []
    run: list[str] = []

    def close() -> None:
        if "".join(run).strip():
            out.append(f"<{mark}>{''.join(run)}</{mark}>")
        else:
            out.extend(run)
        run.clear()

    for token in tokens:
        if _is_tag(token):
            close()
            out.append(token)
        else:
            run.append(token)
    close()
    return "".join(out)


def mark_changes(old: str, new: str) -> tuple[str, str]:
    """Two versions of a passage's inner HTML with the deleted words marked in the old
    one and the inserted words in the new one."""
    a, b = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append("".join(a[i1:i2]))
            right.append("".join(b[j1:j2]))
            continue
        if i2 > i1:
            left.append(_marked(a[i1:i2], "del"))
        if j2 > j1:
            right.append(_marked(b[j1:j2], "ins"))
    return "".join(left), "".join(right)


# --- the comparison ----------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One row of the comparison: the old and new passage as safe HTML (None where the
    passage is absent on that side), and the new passage's anchor."""

    op: Op
    tag: str
    old: str | None
    new: str | None
    anchor: str | None = None

    @property
    def changed(self) -> bool:
        return self.op != "equal"


def compare(old_html: str, new_html: str) -> list[Passage]:
    """Every passage of both issues, in reading order, each marked as kept, inserted,
    deleted or changed (with its changed words marked)."""
    old, new = blocks(old_html), blocks(new_html)
    anchors = [anchor(i, b) for i, b in enumerate(new)]
    matcher = difflib.SequenceMatcher(
        a=[b.key for b in old], b=[b.key for b in new], autojunk=False
    )
    out: list[Passage] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                whole = _wrap(new[j], new[j].html)
                out.append(
                    Passage("equal", new[j].tag, _wrap(old[i], old[i].html), whole, anchors[j])
                )
            continue
        out.extend(_changed(old[i1:i2], new[j1:j2], anchors[j1:j2]))
    return out


def _changed(old: list[Block], new: list[Block], anchors: list[str]) -> list[Passage]:
    """Old and new passages that differ: paired in order when they are of the same kind
    (a changed paragraph), the rest deleted or inserted."""
    out: list[Passage] = []
    i = j = 0
    while i < len(old) or j < len(new):
        a = old[i] if i < len(old) else None
        b = new[j] if j < len(new) else None
        if a is not None and b is not None and a.tag == b.tag:
            out.append(_pair(a, b, anchors[j]))
            i, j = i + 1, j + 1
        elif a is not None and (b is None or len(old) - i >= len(new) - j):
            out.append(Passage("delete", a.tag, _wrap(a, _marked(_tokens(a.html), "del")), None))
            i += 1
        elif b is not None:
            out.append(
                Passage(
                    "insert", b.tag, None, _wrap(b, _marked(_tokens(b.html), "ins")), anchors[j]
                )
            )
            j += 1
    return out


def _pair(a: Block, b: Block, name: str) -> Passage:
    if a.tag == "table":
        left, right = _compare_tables(a, b)
        return Passage("replace", "table", left, right, name)
    left, right = mark_changes(a.html, b.html)
    return Passage("replace", a.tag, _wrap(a, left), _wrap(b, right), name)


def _compare_tables(a: Block, b: Block) -> tuple[str, str]:
    """Two tables with their rows matched by their words and each paired row compared
    cell by cell."""
    keys_a = [" | ".join(_plain(c) for c in row) for row in a.rows]
    keys_b = [" | ".join(_plain(c) for c in row) for row in b.rows]
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.extend(_row(a.rows[i], a.header[i]) for i in range(i1, i2))
            right.extend(_row(b.rows[j], b.header[j]) for j in range(j1, j2))
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(olds), len(news))):
            i = olds[k] if k < len(olds) else None
            j = news[k] if k < len(news) else None
            if i is not None and j is not None:
                cells = _compare_cells(a.rows[i], b.rows[j])
                left.append(_row(tuple(c[0] for c in cells), a.header[i], "changed"))
                right.append(_row(tuple(c[1] for c in cells), b.header[j], "changed"))
            elif i is not None:
                marked = tuple(_marked(_tokens(c), "del") for c in a.rows[i])
                left.append(_row(marked, a.header[i], "deleted"))
            elif j is not None:
                marked = tuple(_marked(_tokens(c), "ins") for c in b.rows[j])
                right.append(_row(marked, b.header[j], "inserted"))
    return _clean(f"<table>{''.join(left)}</table>"), _clean(f"<table>{''.join(right)}</table>")


def _compare_cells(old: tuple[str, ...], new: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for k in range(max(len(old), len(new))):
        a = old[k] if k < len(old) else ""
        b = new[k] if k < len(new) else ""
        out.append(mark_changes(a, b))
    return out


def _row(cells: tuple[str, ...], header: bool, kind: str = "") -> str:
    tag = "th" if header else "td"
    css = f' class="{kind}"' if kind else ""
    return f"<tr{css}>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def _wrap(block: Block, inner: str) -> str:
    """A passage's HTML shown on its own: a list item keeps its bullet, a heading its
    level, a table is whole."""
    if block.tag == "table":
        return _clean(inner if inner.startswith("<table") else block.html)
    if block.tag == "li":
        return _clean(f"<ul><li>{inner}</li></ul>")
    if block.tag == "hr":
        return "<hr>"
    return _clean(f"<{block.tag}>{inner}</{block.tag}>")


_ADJACENT_MARKS = re.compile(r"</(del|ins)>(\s+)<\1>")


def _clean(fragment: str) -> str:
    fragment = _ADJACENT_MARKS.sub(r"\2", fragment)  # "<del>a</del> <del>b</del>": one mark
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS) | {"ins", "del"},
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


# --- changes only --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A passage shown in the changes-only view; ``change`` numbers the changed ones from
    1 (0 for context), for the "next change" links."""

    passage: Passage
    change: int = 0


@dataclass(frozen=True)
class Folded:
    """Unchanged passages folded away between changes (one click shows them)."""

    passages: tuple[Passage, ...]


def changes_only(passages: list[Passage], context: int = 1) -> list[Shown | Folded]:
    """The changed passages with ``context`` unchanged ones around each; the other
    unchanged passages folded, each run of them into one :class:`Folded`."""
    keep = [p.changed for p in passages]
    for index, passage in enumerate(passages):
        if passage.changed:
            for near in range(max(0, index - context), min(len(passages), index + context + 1)):
                keep[near] = True
    out: list[Shown | Folded] = []
    folded: list[Passage] = []
    number = 0
    for passage, shown in zip(passages, keep, strict=True):
        if not shown:
            folded.append(passage)
            continue
        if folded:
            out.append(Folded(tuple(folded)))
            folded = []
        if passage.changed:
            number += 1
        out.append(Shown(passage, number if passage.changed else 0))
    if folded:
        out.append(Folded(tuple(folded)))
    return out
