"""The headings of a rendered body, for a page's contents list: read from the sanitised
HTML, so each entry links to the id the Markdown converter gave its heading (a slug of
the heading's words, the same on every render of the same text)."""

from dataclasses import dataclass
from html.parser import HTMLParser

_LEVELS = {"h1": 1, "h2": 2, "h3": 3}


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Heading] = []
        self._open: tuple[int, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id")
        if tag in _LEVELS and anchor:
            self._open, self._text = (_LEVELS[tag], anchor), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and _LEVELS.get(tag) == self._open[0]:
            text = " ".join("".join(self._text).split())
            if text:
                self.found.append(Heading(self._open[0], self._open[1], text))
            self._open = None


def outline(html: str) -> list[Heading]:
    """The body's headings of levels 1 to 3 that carry an id, in order."""
    parser = _Headings()
    parser.feed(html)
    parser.close()
    return parser.found
