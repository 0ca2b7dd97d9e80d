"""The list of records on the web: the lines read from a procedure with their filters,
unreadable tables named, batches due for disposal, and the forms that add a line, keep a
batch and record a disposal, refused input shown again beside its field."""

from fastapi import FastAPI
from lxml import html
from sqlalchemy.engine import Engine

from qms.services.documents import revisions
from qms.services.records import batches
from tests.helpers import act, new_draft, snapshot, to_effective, trail_actions
from tests.seed import PASSWORD
from tests.web.client import signed_in

BODY = (
    "# 1. Mục đích\n\nQuy định việc đánh giá nội bộ.\n\n"
    "# 7. HỒ SƠ CẦN LƯU\n\n"
    "| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |\n"
    "|---|---|---|---|\n"
    "| 1 | Báo cáo đánh giá nội bộ <b>x</b> | Văn phòng (TKISO) | 05 năm |\n"
    "| 2 | Danh mục kiểm tra | Hệ thống quản lý tài liệu | 03 năm |\n"
    "| 3 | Sổ theo dõi | Văn phòng |\n"
)
LIST_ROWS = "//table[contains(@class, 'records-list')]/tbody/tr"


def test_the_list_its_filters_the_problems_and_a_disposal(app: FastAPI, web_engine: Engine) -> None:
    new_draft(web_engine, "QT-03", body=BODY)
    to_effective(web_engine, "QT-03")
    lan = signed_in(app, "lan")
    page = lan.get("/records")
    assert page.status_code == 200
    doc = html.fromstring(page.text)
    rows = doc.xpath(LIST_ROWS)
    assert [r.get("id") for r in rows] == ["line-1", "line-2"]
    assert "Báo cáo đánh giá nội bộ <b>x</b>" in rows[0].text_content()  # shown, not run
    assert rows[0].xpath("td[@class='retention']")[0].text_content() == "05 năm"
    assert rows[1].xpath("td/@data-label")[3] == "Hình thức lưu"
    (problem,) = doc.xpath("//section[@class='problems']//li")
    assert " ".join(problem.text_content().split()) == (
        "QT-03 lần ban hành 1, dòng 11: dòng này có 3 ô trong khi dòng tiêu đề có 4 ô"
    )
    assert not doc.xpath("//form[@action='/records/lines']")  # staff add no lines
    assert doc.xpath("//nav//a[@href='/records']")[0].text_content() == "Hồ sơ"
    electronic = html.fromstring(lan.get("/records?medium=electronic").text)
    assert [r.get("id") for r in electronic.xpath(LIST_ROWS)] == ["line-2"]

    thu = signed_in(app, "thu")
    kept = thu.form("/records/batches", {"line_id": "1", "year": "2019", "count": "2"})
    assert kept.status_code == 303
    due = html.fromstring(thu.get("/records").text)
    assert due.xpath("//section[@id='due']/article/@id") == ["batch-1"]
    before = snapshot(web_engine)
    refused = thu.form(
        "/records/batches/1/dispose",
        {"approved_by": "thu", "method": "Máy hủy giấy", "reference": "QĐ 15"},
    )
    assert refused.status_code == 422
    shown = html.fromstring(refused.text)
    assert shown.xpath("//*[@id='dispose:1-approved_by-error']")[0].text_content() == (
        "việc hủy phải do người khác với người ghi nhận phê duyệt"
    )
    assert shown.xpath("//article[@id='batch-1']//input[@name='reference']/@value") == ["QĐ 15"]
    assert snapshot(web_engine) == before
    disposed = thu.form(
        "/records/batches/1/dispose",
        {"approved_by": "hai", "method": "Máy hủy giấy", "reference": "QĐ 15"},
    )
    assert disposed.status_code == 303
    after = html.fromstring(thu.get("/records").text)
    assert after.xpath("//section[@id='due']/article") == []
    assert "hai" in after.xpath("//tr[@id='batch-1']")[0].text_content()
    assert trail_actions(web_engine)[-2:] == ["records.keep", "records.dispose"]


def test_a_refused_hand_line_keeps_what_was_typed(app: FastAPI, web_engine: Engine) -> None:
    thu = signed_in(app, "thu")
    before = snapshot(web_engine)
    typed = {"name": "Sổ công văn đến", "retention": "10 năm", "medium": "cloud"}
    refused = thu.form("/records/lines", typed)
    assert refused.status_code == 422
    doc = html.fromstring(refused.text)
    assert doc.xpath("//*[@id='line-medium-error']")
    assert doc.xpath("//form[@action='/records/lines']//input[@name='name']/@value") == [
        "Sổ công văn đến"
    ]
    assert snapshot(web_engine) == before
    added = thu.form("/records/lines", {**typed, "medium": "both", "department": "VP"})
    assert added.status_code == 303
    rows = html.fromstring(thu.get("/records?dept=VP").text).xpath(LIST_ROWS)
    assert "Sổ công văn đến" in rows[0].text_content()
    refused_year = thu.form("/records/batches", {"line_id": "1", "year": "hai nghìn"})
    assert refused_year.status_code == 422
    assert html.fromstring(refused_year.text).xpath("//*[@id='keep-year-error']")
    act(web_engine, batches.keep_batch, "thu", line_id=1, year=2020)


def test_publishing_warns_of_an_unreadable_table(app: FastAPI, web_engine: Engine) -> None:
    new_draft(web_engine, "QT-03", body=BODY)
    act(web_engine, revisions.submit, "thu", code="QT-03", password=PASSWORD)
    act(web_engine, revisions.review, "hung", code="QT-03", accept=True, password=PASSWORD)
    act(web_engine, revisions.approve, "hai", code="QT-03", password=PASSWORD)
    thu = signed_in(app, "thu")
    published = thu.form("/documents/QT-03/publish")
    assert published.status_code == 303
    page = html.fromstring(thu.get(published.headers["location"]).text)
    messages = [
        " ".join(m.text_content().split()) for m in page.xpath("//*[contains(@class, 'flash')]")
    ]
    assert "Bảng hồ sơ cần lưu, dòng 11: dòng này có 3 ô trong khi dòng tiêu đề có 4 ô" in messages
    response = thu.get("/records.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
