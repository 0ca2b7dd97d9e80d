"""A long document's page: a contents list of its headings linking to stable anchors,
and the language of a document in another language than the page's marked on it."""

import re

from fastapi import FastAPI

from qms.render.outline import Heading, outline
from tests.helpers import effective_document, new_draft
from tests.web.client import signed_in

LONG = (
    "# 1. Mục đích\n\nNội dung.\n\n## 1.1 Phạm vi\n\nPhạm vi.\n\n"
    "# 2. Trách nhiệm\n\nAi làm.\n\n# 2. Trách nhiệm\n\nLặp lại.\n"
)


def test_outline_reads_the_headings_with_their_ids() -> None:
    html = (
        '<h1 id="a">Một <em>hai</em></h1><p>x</p><h2 id="b">Ba</h2><h4 id="c">Bốn</h4><h2>Năm</h2>'
    )
    assert outline(html) == [Heading(1, "a", "Một hai"), Heading(2, "b", "Ba")]


def test_a_long_document_has_contents_linking_to_its_headings(app: FastAPI) -> None:
    new_draft(app.state.engine, "QT-05", body=LONG)
    client = signed_in(app, "thu")
    page = client.get("/documents/QT-05").text
    contents = page[page.index('class="contents doc-contents"') :]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', contents[: contents.index("</nav>")])
    assert [text for _, text in links] == [
        "1. Mục đích",
        "1.1 Phạm vi",
        "2. Trách nhiệm",
        "2. Trách nhiệm",
    ]
    for anchor, _ in links:
        assert f'id="{anchor}"' in page  # each entry lands on its heading
    assert len({anchor for anchor, _ in links}) == 4  # a repeated heading gets its own
    again = client.get("/documents/QT-05").text
    assert re.findall(r'<h[12] id="([^"]+)"', again) == [anchor for anchor, _ in links]
    effective_document(app.state.engine, "QT-01")  # two headings: no contents list
    assert 'class="contents doc-contents"' not in client.get("/documents/QT-01").text
    client.close()


def test_english_document_in_a_vietnamese_page_is_marked(app: FastAPI) -> None:
    new_draft(app.state.engine, "EN-01", title="Quality policy", language="en", body=LONG)
    client = signed_in(app, "thu")
    page = client.get("/documents/EN-01").text
    assert '<h1 lang="en">Quality policy</h1>' in page
    assert '<section class="body" aria-label="Nội dung" lang="en">' in page
    vietnamese = client.get("/documents", params={"q": "quality"}).text
    assert 'lang="en">Quality policy</td>' in vietnamese
    client.close()
