"""Markdown -> sanitised HTML for controlled documents, with input caps.

markdown-it-py parses CommonMark plus pipe tables with raw HTML disabled; the
token stream is checked against the caps, headings get ids, link and image
targets are restricted, and nh3 sanitises the HTML with an allow-list as a
second line of defence. Nothing that comes out of here makes WeasyPrint fetch
anything except ``blob:<sha256>`` images, which our fetcher serves from memory.

The cost of a conversion grows linearly with the body (``bench/markdown_bench.py``),
and the size cap bounds the body, so the time of any conversion is bounded too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

import nh3

from qms.render.errors import InputLimitError
from qms.render.limits import DEFAULT_LIMITS, InputLimits

if TYPE_CHECKING:  # the parser is imported when a body is first converted
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

BLOB_RE = re.compile(r"blob:([0-9a-f]{64})")
_LINK_RE = re.compile(r"(?:https?://|mailto:)[^\s\"'<>\\]+", re.IGNORECASE)
_ANCHOR_RE = re.compile(r"#[\w\-%.]+")
_ALIGN_RE = re.compile(r"text-align:(left|center|right)")

# Bump when a change here changes the HTML of a body or what the caps let through: HTML
# stored for bodies is kept per version, so every body is then converted again.
CONVERTER_VERSION = 1

# markdown-it stops parsing blocks (and silently drops text) past its own nesting limit,
# so let it go deeper than ours and refuse the document on our measure instead.
_BLOCK_NESTING = 100
# Inline, the same limit is how deep the parser looks for the "]" of a "[" inside
# another "[" still open: the cost of each unclosed bracket is proportional to it. Links
# cannot contain links and emphasis does not count against it (our cap on inline depth
# is measured on the tokens), so a shallow limit loses nothing.
_INLINE_NESTING = 20
_SLUG_DROP = re.compile(r"[^\w\- ]")


ALLOWED_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code"}
    | {"em", "strong", "s", "a", "img", "br", "hr"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    **{h: {"id"} for h in _HEADINGS},
}
_ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
WRAP_ANYWHERE = "wrap-anywhere"
_CELL_CLASSES = {*_ALIGN_CLASSES, WRAP_ANYWHERE}
ALLOWED_CLASSES = {"th": _CELL_CLASSES, "td": _CELL_CLASSES}

# A body table spans the 165 mm measure of the page, about 40 em at its 11.5 pt type,
# and each cell takes about 1 em of padding and border. No glyph is wider than 1 em.
_TABLE_WIDTH_EM = 40
_CELL_PADDING_EM = 1
URL_SCHEMES = {"http", "https", "mailto", "blob"}


@dataclass(frozen=True)
class SafeBody:
    html: str
    image_refs: frozenset[str]  # sha256 hex of every image the body shows


def markdown_to_safe_html(text: str) -> str:
    """Convert user Markdown to HTML that is safe to hand to WeasyPrint."""
    return convert(text).html


def convert(text: str, *, limits: InputLimits = DEFAULT_LIMITS) -> SafeBody:
    """Check ``text`` against ``limits`` and convert it; raises InputLimitError."""
    text = unicodedata.normalize("NFC", text)
    size = len(text.encode("utf-8"))
    if size > limits.max_body_bytes:
        raise InputLimitError(
            "document body is {size:.1f} MB; the limit is {limit:.1f} MB",
            size=size / 1_000_000,
            limit=limits.max_body_bytes / 1_000_000,
        )
    brackets = text.count("[")
    if brackets > limits.max_brackets:
        raise InputLimitError(
            "the body has {count:,} opening square brackets '['; the limit is {limit:,}",
            count=brackets,
            limit=limits.max_brackets,
        )
    ceiling = _block_nesting(limits)
    md = _parser(ceiling)
    tokens = md.parse(text)
    _check_structure(tokens, limits, ceiling)
    image_refs = _prepare_tokens(tokens)
    _mark_long_cells(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return SafeBody(html=sanitise_html(html), image_refs=frozenset(image_refs))


def sanitise_html(html: str) -> str:
    """Allow-list sanitising of an HTML fragment (no styles, scripts, embeds, raw URLs)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        url_relative="pass_through",  # judged by _attribute_filter instead
        link_rel=None,
        strip_comments=True,
    )


def _block_nesting(limits: InputLimits) -> int:
    """The parser's block nesting limit: past ours, so a body within the caps is never cut
    (a list level takes two: the list and its item)."""
    return max(_BLOCK_NESTING, 2 * limits.max_nesting + 2)


@lru_cache(maxsize=4)
def _parser(block_nesting: int) -> MarkdownIt:
    """The block parser, whose inline content goes to a parser with a shallow limit."""
    md = _configured(block_nesting)
    inline = _configured(_INLINE_NESTING)

    def parse_inline(state: StateCore) -> None:  # markdown-it's own "inline" rule, re-aimed
        for token in state.tokens:
            if token.type == "inline":
                token.children = []
                inline.inline.parse(token.content, inline, state.env, token.children)

    md.core.ruler.at("inline", parse_inline)
    return md


def _configured(nesting: int) -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "maxNesting": nesting})
    md.enable(["table", "strikethrough"])
    md.validateLink = _valid_target  # type: ignore[method-assign]
    return md


def _valid_target(url: str) -> bool:
    return bool(BLOB_RE.fullmatch(url) or _LINK_RE.fullmatch(url) or _ANCHOR_RE.fullmatch(url))


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if BLOB_RE.fullmatch(value) else None
    if element == "a" and attribute == "href":
        return value if _LINK_RE.fullmatch(value) or _ANCHOR_RE.fullmatch(value) else None
    return value


def _check_structure(tokens: Sequence[Token], limits: InputLimits, ceiling: int) -> None:
    depth = max_depth = cells = 0
    inline_max = 0
    cut = False  # the parser reached its nesting limit: the real depth may be greater
    for token in tokens:
        cut = cut or token.level >= ceiling - 1
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            depth += 1
            max_depth = max(max_depth, depth)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            depth -= 1
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "inline" and token.children:
            inline_max = max(inline_max, _inline_depth(token.children))
    if max_depth > limits.max_nesting and cut:
        raise InputLimitError(
            "lists or block quotes are nested at least {depth:,} levels deep; the limit is {limit}",
            depth=max_depth,
            limit=limits.max_nesting,
        )
    if max_depth > limits.max_nesting:
        raise InputLimitError(
            "lists or block quotes are nested {depth:,} levels deep; the limit is {limit}",
            depth=max_depth,
            limit=limits.max_nesting,
        )
    if inline_max > limits.max_inline_nesting:
        raise InputLimitError(
            "emphasis or links are nested {depth:,} levels deep; the limit is {limit}",
            depth=inline_max,
            limit=limits.max_inline_nesting,
        )
    if cells > limits.max_table_cells:
        raise InputLimitError(
            "tables have {cells:,} cells; the limit is {limit:,}",
            cells=cells,
            limit=limits.max_table_cells,
        )


def _inline_depth(children: Sequence[Token]) -> int:
    depth = deepest = 0
    for child in children:
        depth += child.nesting
        deepest = max(deepest, depth)
    return deepest


def _prepare_tokens(tokens: Sequence[Token]) -> set[str]:
    """Give headings ids, drop dangling anchors, map alignment to classes; list images."""
    ids: set[str] = set()
    next_number: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", _unique(_slug(tokens[index + 1].content), ids, next_number))
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            token.attrs.pop("style", None)
            if match := _ALIGN_RE.fullmatch(style):
                token.attrSet("class", f"align-{match[1]}")
    images: set[str] = set()
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                if match := BLOB_RE.fullmatch(src):
                    images.add(match[1])
                else:  # keep the alt text, show no picture
                    child.type, child.tag, child.attrs, child.children = "text", "", {}, None
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                dangling = href.startswith("#") and unquote(href[1:]) not in ids
                if dangling or BLOB_RE.fullmatch(href):
                    child.attrs.pop("href", None)
    return images


def _mark_long_cells(tokens: Sequence[Token]) -> None:
    """Let a cell break a run of characters that is too long for its share of the table.

    A table is laid out no narrower than the longest unbreakable run of each column,
    so one long word, URL or code would push it past the page edge. Only the cells that
    hold such a run get ``overflow-wrap: anywhere`` (the CSS class): every other cell
    keeps breaking at spaces, so ordinary tables look as they always did.
    """
    limit = 0
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            limit = _run_limit(_column_count(tokens, index))
        elif token.type in ("th_open", "td_open"):
            cell = tokens[index + 1]
            if cell.type == "inline" and _longest_run(cell.children or ()) > limit:
                classes = str(token.attrGet("class") or "").split()
                token.attrSet("class", " ".join([*classes, WRAP_ANYWHERE]))


def _column_count(tokens: Sequence[Token], table_open: int) -> int:
    """Header cells of the table that starts at ``table_open`` (every row has as many)."""
    count = 0
    for token in tokens[table_open + 1 :]:
        if token.type == "th_open":
            count += 1
        elif token.type == "tr_close":
            break
    return max(count, 1)


def _run_limit(columns: int) -> int:
    """Longest run (in characters) that fits an equal share of a table of ``columns``."""
    return max(_TABLE_WIDTH_EM // columns - _CELL_PADDING_EM, 0)


def _longest_run(children: Sequence[Token]) -> int:
    """Length of the longest run without whitespace in a cell's text as printed."""
    shown = []
    for child in children:
        if child.type in ("text", "code_inline"):
            shown.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            shown.append(" ")
    return max((len(run) for run in "".join(shown).split()), default=0)


def _slug(text: str) -> str:
    """GitHub-style heading anchor: lower case, word characters and hyphens."""
    slug = _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")
    return slug or "section"


def _unique(slug: str, seen: set[str], next_number: dict[str, int]) -> str:
    """``slug``, or ``slug-1``, ``slug-2``... the first not in ``seen``. Each slug keeps the
    number to try next (those below are taken, and ``seen`` only grows), so n equal
    headings cost n steps, not n² / 2."""
    n = next_number.get(slug, 0)
    candidate = f"{slug}-{n}" if n else slug
    while candidate in seen:
        n += 1
        candidate = f"{slug}-{n}"
    next_number[slug] = n + 1
    seen.add(candidate)
    return candidate
