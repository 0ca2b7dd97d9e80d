"""Under Vietnamese, the main pages show no English: every role signs in and visits the pages
of its work, and no phrase of three or more English words shows in the page's own words
(menus, headings, labels, buttons, table headings, hints, flashes). Two checks: the
English of the catalogs (its message ids) is not there, and no passage of the page reads
the same in English as in Vietnamese (words the catalogs never knew). Document bodies,
the differences between issues, people's names and codes are the records' own words and
are left out."""

import re
from functools import cache
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from qms.i18n import LOCALE_DIR
from qms.services.documents import revisions
from tests.helpers import act, new_draft
from tests.seed import PASSWORD
from tests.services.capa_setup import open_complaint
from tests.web.client import WebClient, signed_in
from tests.web.records_setup import plan_and_start
from tests.web.test_passage_comments import _anchor_of
from tests.web.test_review_screen import _in_review

# What a page holds that is not its own words: a document's text and its preview, the
# differences between two issues, hashes, typed values.
_RECORD_CLASSES = frozenset({"body", "preview", "changes", "diff", "hash", "history-text"})
_SKIPPED_TAGS = frozenset({"script", "style", "textarea", "pre", "code", "template"})
_VOID_TAGS = frozenset({"br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})
_SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title")
_ENGLISH_WORD = re.compile(r"[A-Za-z][a-z]+")
_VIETNAMESE = re.compile(r"[À-ỹĐđ]")


class _PageWords(HTMLParser):
    """The texts a page shows of its own: its text nodes and shown attributes, outside
    the records' words (an element left out is left out up to its own end tag)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._left_out: tuple[str, int] | None = None  # the tag left out, its nesting

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._left_out is not None:
            name, depth = self._left_out
            self._left_out = (name, depth + (tag == name))
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if tag in _SKIPPED_TAGS or classes & _RECORD_CLASSES:
            if tag not in _VOID_TAGS:
                self._left_out = (tag, 1)
            return
        self.texts += [values[name] or "" for name in _SHOWN_ATTRIBUTES if values.get(name)]

    def handle_endtag(self, tag: str) -> None:
        if self._left_out is not None and tag == self._left_out[0]:
            name, depth = self._left_out
            self._left_out = (name, depth - 1) if depth > 1 else None

    def handle_data(self, data: str) -> None:
        if self._left_out is None and data.strip():
            self.texts.append(" ".join(data.split()))


def page_words(html: str) -> list[str]:
    parser = _PageWords()
    parser.feed(html)
    return parser.texts


@cache
def english_phrases() -> frozenset[str]:
    """The catalogs' English: each message id's stretches between placeholders that have
    three or more words."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source)
    phrases = set()
    for message in catalog:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        for text in ids:
            for stretch in re.split(r"%\(\w+\)s|\{[\w:,]*\}|%[sd]|\n", str(text or "")):
                flat = " ".join(stretch.split()).strip(" .,:;()")
                if _english_passage(flat):
                    phrases.add(flat)
    return frozenset(phrases)


def english_words(text: str) -> int:
    """How many English-looking words ``text`` has as a sentence has them (a code such as
    revision.review_accepted is not three words)."""
    tokens = (token.strip("\"'()[],.:;!?…") for token in text.split())
    return sum(1 for token in tokens if _ENGLISH_WORD.fullmatch(token))


def _english_passage(text: str) -> bool:
    return english_words(text) >= 3 and not _VIETNAMESE.search(text)


@pytest.fixture
def prepared(workflow_app: FastAPI) -> tuple[FastAPI, dict[str, str]]:
    """Documents in every state (see ``documents_in_every_state``), QT-01's next issue in
    review, QT-30's next issue returned with a comment on a passage (the pages after the
    reviewer's two steps, flashes and all, are kept), a draft of QT-05, an audit under way
    and a complaint's corrective action."""
    engine: Engine = workflow_app.state.engine
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    new_draft(engine, "QT-05", title="Quy trình soạn thảo")
    _in_review(engine)
    with signed_in(workflow_app, "hung") as hung:
        hung.choose_language("vi")
        page = hung.get("/documents/QT-30", params={"issue": 2}).text
        anchor = _anchor_of(page, "thức")
        steps = [
            ("/documents/QT-30/comments", {"passage": anchor, "comment": "Xem lại"}),
            ("/documents/QT-30/review", {"decision": "return", "comment": "Sửa lại"}),
        ]
        after = []
        for url, data in steps:
            made = hung.form(url, data)
            assert made.status_code == 303, made.text
            after.append(hung.get(made.headers["location"]).text)
    with signed_in(workflow_app, "binh") as binh:
        audit = plan_and_start(engine, binh)
    refs = {"audit": audit, "car": open_complaint(engine, actor="lan")}
    return workflow_app, refs | {f"after step {n}": text for n, text in enumerate(after, 1)}


def _pages(refs: dict[str, str]) -> dict[str, list[str]]:
    audit, car = refs["audit"], refs["car"]
    return {
        "lan": ["/", "/documents", "/documents/QT-01", "/notices", "/account", f"/capa/{car}"],
        "thu": [
            "/",
            "/documents",
            "/documents/QT-05",
            "/documents/QT-05/edit",
            "/documents/QT-30?issue=2",
            "/documents/QT-30/edit",
            "/new-document",
            "/capa",
            f"/capa/{car}",
            "/notices",
            "/account",
            "/risks",
        ],
        "hung": ["/", "/documents/QT-01?issue=2", "/documents/QT-02", "/documents/QT-30"],
        "hai": ["/", "/documents/QT-03", "/documents/QT-04"],
        "binh": ["/", "/audits", f"/audits/{audit}", f"/audits/{audit}/checklist"],
        "an": ["/", "/audits", f"/capa/{car}"],
        "admin": ["/", "/trail", "/account", "/documents"],
    }


def _visit(client: WebClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return page_words(response.text)


def test_no_english_shows_on_the_main_pages_in_vietnamese(
    prepared: tuple[FastAPI, dict[str, str]],
) -> None:
    app, refs = prepared
    english = english_phrases()
    found: dict[str, list[str]] = {}
    for username, urls in _pages(refs).items():
        with signed_in(app, username) as client:
            client.choose_language("vi")
            vietnamese = {url: _visit(client, url) for url in urls}
            client.choose_language("en")
            in_english = {url: set(_visit(client, url)) for url in urls}
        for url, texts in vietnamese.items():
            shown = " | ".join(texts)
            known = sorted(phrase for phrase in english if phrase in shown)
            unknown = sorted(
                text for text in set(texts) & in_english[url] if _english_passage(text)
            )
            if known or unknown:
                found[f"{username} {url}"] = known + unknown
    assert 'class="flash' in refs["after step 2"]  # "returned for changes"
    for step in ("after step 1", "after step 2"):
        shown = " | ".join(page_words(refs[step]))
        found |= {step: known} if (known := [p for p in english if p in shown]) else {}
    assert found == {}


def test_the_check_sees_english_chrome() -> None:
    html = (
        '<main><h1>Sổ đăng ký</h1><button>Sign and submit</button><div class="body">'
        "<p>Quality policy of the district</p></div><p>Đã lưu</p>"
        '<input placeholder="Search by code or title"></main>'
    )
    words = page_words(html)
    assert words == ["Sổ đăng ký", "Sign and submit", "Đã lưu", "Search by code or title"]
    assert "Sign and submit" in english_phrases()
    assert [text for text in words if _english_passage(text)] == [
        "Sign and submit",
        "Search by code or title",
    ]
