"""The register page at scale: sortable columns, page jumps, facet counts, the view in
the address (Back and saved links), and exports of the filtered register."""

import csv
import io
from dataclasses import dataclass

from fastapi import FastAPI
from openpyxl import load_workbook

from qms.services.paging import Paged
from qms.web.i18n import make_environments
from tests.helpers import effective_document, new_draft
from tests.web.client import signed_in


def _small_register(app: FastAPI) -> None:
    engine = app.state.engine
    effective_document(engine, "QT-01")
    new_draft(engine, "BM-01", title="Biểu mẫu tiếp nhận", doc_type="form", department="MC")
    new_draft(engine, "EN-01", title="Satisfaction survey", language="en")


def test_columns_sort_both_ways_and_keep_the_filters(app: FastAPI) -> None:
    _small_register(app)
    client = signed_in(app, "thu")
    page = client.get("/documents", params={"sort": "code", "dir": "desc", "q": "quy"}).text
    assert 'aria-sort="descending"' in page
    # The heading of the sorted column turns it the other way, the filters kept.
    assert 'href="/documents?dept=&amp;q=quy&amp;sort=code&amp;dir=asc' not in page
    assert "q=quy&amp;sort=code&amp;dir=asc" in page
    assert 'name="sort" value="code"' in page
    assert 'name="dir" value="desc"' in page
    everything = client.get("/documents", params={"sort": "code", "dir": "desc"}).text
    assert everything.index("QT-01") < everything.index("EN-01") < everything.index("BM-01")
    by_type = client.get("/documents", params={"sort": "type"}).text
    assert by_type.index("BM-01") < by_type.index("QT-01")
    refused = client.get("/documents", params={"sort": "password"})
    assert refused.status_code == 422
    assert "password" in refused.text
    assert "<html" in refused.text
    assert client.get("/documents", params={"dir": "sideways"}).status_code == 422
    client.close()


def test_facet_counts_follow_the_filters(app: FastAPI) -> None:
    _small_register(app)
    client = signed_in(app, "thu")
    page = client.get("/documents", params={"dept": "VP"}).text
    assert "Biểu mẫu (0)" in page
    assert "Quy trình (2)" in page
    assert "MC — " in page
    assert "(1)</option>" in page
    assert "Dự thảo (1)" in page  # EN-01, a draft of VP
    swap = client.get("/documents", params={"type": "form"}, headers={"HX-Request": "true"})
    assert "<html" not in swap.text
    assert swap.text.count('hx-swap-oob="true"') == 3  # the selects, with the new counts
    assert "Dự thảo (1)" in swap.text  # BM-01 only
    staff = signed_in(app, "lan")
    assert 'id="filter-status"' not in staff.get("/documents").text
    client.close()
    staff.close()


def test_back_restores_the_view_from_the_address(app: FastAPI) -> None:
    _small_register(app)
    client = signed_in(app, "thu")
    restored = client.get(
        "/documents",
        params={"q": "biểu mẫu", "sort": "code"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ).text
    assert "<html" in restored  # the whole page, not the table alone
    assert 'name="q" value="biểu mẫu"' in restored
    assert 'hx-history="false"' in restored  # Back asks the server, not a stale snapshot
    client.close()


def test_another_language_is_marked(app: FastAPI) -> None:
    _small_register(app)
    client = signed_in(app, "thu")
    assert '<td data-label="Tên tài liệu" lang="en">Satisfaction survey</td>' in (
        client.get("/documents").text
    )
    client.close()


def test_csv_export_of_the_filtered_register(app: FastAPI) -> None:
    _small_register(app)
    client = signed_in(app, "thu")
    response = client.get("/documents.csv", params={"dept": "VP", "sort": "code"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # so Excel reads Vietnamese
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Mã hiệu", "Tên tài liệu", "Loại", "Phòng ban", "Trạng thái"]
    assert [row[0] for row in rows[1:]] == ["EN-01", "QT-01"]
    assert rows[2][4] == "Có hiệu lực"
    assert rows[2][5] == "1"
    assert rows[2][6]
    assert rows[1][7] == "1 (Dự thảo)"
    staff = signed_in(app, "lan")
    staff_rows = staff.get("/documents.csv").content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in staff_rows[1:]] == ["QT-01"]  # no drafts
    client.close()
    staff.close()


def test_xlsx_export_of_the_filtered_register(app: FastAPI) -> None:
    _small_register(app)
    client = signed_in(app, "thu")
    response = client.get("/documents.xlsx", params={"status": "draft", "sort": "title"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Mã hiệu"
    assert [(row[0], row[1], row[2]) for row in values[1:]] == [
        ("BM-01", "Biểu mẫu tiếp nhận", "Biểu mẫu"),
        ("EN-01", "Satisfaction survey", "Quy trình"),
    ]
    refused = client.get("/documents.xlsx", params={"status": "lost"})
    assert refused.status_code == 422
    client.close()


@dataclass(frozen=True)
class _Page(Paged):
    total: int
    page: int
    per_page: int


def test_pager_jumps_to_first_last_and_nearby_pages() -> None:
    template = make_environments("UTC")["vi"].from_string(
        '{% import "_macros.html" as m %}{{ m.pager(result, "/documents?q=x&") }}'
    )
    html = template.render(result=_Page(total=1000, page=7, per_page=50))
    assert 'href="/documents?q=x&amp;page=1"' in html  # first
    assert 'href="/documents?q=x&amp;page=6" rel="prev"' in html
    assert 'href="/documents?q=x&amp;page=20"' in html  # last
    for near in (5, 6, 8, 9):
        assert f'href="/documents?q=x&amp;page={near}">{near}</a>' in html
    assert 'href="/documents?q=x&amp;page=7" aria-current="page"' in html
    assert 'page=4"' not in html
    assert 'page=10"' not in html
    first = template.render(result=_Page(total=120, page=1, per_page=50))
    assert 'rel="prev"' not in first
    assert 'href="/documents?q=x&amp;page=3"' in first
