"""The register page of a broad search: "more than" the cap, in Vietnamese and English,
filters without counts, and a pager that goes on while there are more pages."""

import pytest
from fastapi import FastAPI

from qms.services.documents import search
from qms.web.i18n import make_environments
from tests.helpers import effective_document, new_draft
from tests.web.client import signed_in


def _three_matches(app: FastAPI) -> None:
    """Three documents whose titles hold "kiểm soát" (the helpers' title), one more without."""
    engine = app.state.engine
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02")
    new_draft(engine, "QT-03", department="TP")
    new_draft(engine, "BM-01", title="Biểu mẫu tiếp nhận", doc_type="form")


def test_a_broad_search_says_more_than_the_cap(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_matches(app)
    client = signed_in(app, "thu")
    monkeypatch.setattr(search, "COUNT_CAP", 3)  # at the cap: counted exactly
    exact = client.get("/documents", params={"q": "kiem soat"}).text
    assert "3 tài liệu" in exact
    assert "Quy trình (3)" in exact
    assert "Biểu mẫu (0)" in exact
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    page = client.get("/documents", params={"q": "kiem soat"}).text
    assert "Hơn 2 tài liệu" in page
    assert "3 tài liệu" not in page
    assert all(code in page for code in ("QT-01", "QT-02", "QT-03"))
    assert ">Quy trình</option>" in page  # the filters choose, uncounted
    assert "Quy trình (" not in page
    swap = client.get("/documents", params={"q": "kiểm soát"}, headers={"HX-Request": "true"})
    assert "Hơn 2 tài liệu" in swap.text
    assert ">VP — " in swap.text
    assert "(0)</option>" not in swap.text
    client.choose_language("en")
    english = client.get("/documents", params={"q": "kiem soat"}).text
    assert "More than 2 documents" in english
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    assert "3 documents" in client.get("/documents", params={"q": "kiem soat"}).text
    client.close()


@pytest.mark.parametrize(
    ("language", "where", "capped_where"),
    [("vi", "Trang 7", "Trang 7/"), ("en", "Page 7", "Page 7 of")],
)
def test_the_pager_of_a_capped_count_goes_on_while_there_are_more(
    language: str, where: str, capped_where: str
) -> None:
    template = make_environments("UTC")[language].from_string(
        '{% import "_macros.html" as m %}{{ m.pager(result, "/documents?q=x&") }}'
    )

    def pager(page: int, *, more: bool) -> str:
        result = search.RegisterPage(
            [], 1000, page, 50, capped=True, more=more
        )  # more than 1,000 documents
        return template.render(result=result)

    html = pager(7, more=True)
    assert where in html
    assert capped_where not in html  # the last page is not known
    assert 'href="/documents?q=x&amp;page=8" rel="next"' in html
    assert html.count('class="pager-end"') == 1  # the first page, no last
    for near in (5, 6, 8, 9):
        assert f'href="/documents?q=x&amp;page={near}">{near}</a>' in html
    end = pager(25, more=False)  # past the cap, the page after which none follows
    assert 'rel="next"' not in end
    assert 'rel="prev"' in end
    assert 'page=26"' not in end
