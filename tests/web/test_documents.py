"""The register, a document's page, comparisons, downloads, acknowledgements, portal."""

import io

from fastapi import FastAPI
from lxml import html
from pypdf import PdfReader
from sqlmodel import select

from qms.db import read_session
from qms.models import Acknowledgement, Blob
from qms.services.documents import register as documents
from tests.helpers import effective_document, revise, to_effective
from tests.web.client import signed_in


def _rows(html: str) -> int:
    return html.count('<tr>\n  <td data-label="Mã hiệu"><a href="/documents/')


def test_register_search_without_diacritics_finds_bodies(app: FastAPI) -> None:
    engine = app.state.engine
    effective_document(engine, "QT-01")  # body: "Quy định cách kiểm soát tài liệu."
    client = signed_in(app, "lan")
    by_title = client.get("/documents", params={"q": "kiem soat"})
    assert "QT-01" in by_title.text
    by_body = client.get("/documents", params={"q": "tiep nhan ho so"})  # body only
    assert "QT-01" in by_body.text
    assert "1 tài liệu" in by_body.text
    none = client.get("/documents", params={"q": "khong co tu nay"})
    assert "Không có tài liệu phù hợp." in none.text
    partial = client.get("/documents", params={"q": "kiem"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert "QT-01" in partial.text
    client.close()


def test_register_filters_and_pages(workflow_app: FastAPI) -> None:
    client = signed_in(workflow_app, "thu")
    all_docs = client.get("/documents")
    assert "4 tài liệu" in all_docs.text
    in_review = client.get("/documents", params={"status": "in_review"})
    assert "2 tài liệu" in in_review.text
    assert "QT-02" in in_review.text
    assert "QT-04" not in in_review.text
    by_dept = client.get("/documents", params={"dept": "TP"})
    assert "0 tài liệu" in by_dept.text
    staff = signed_in(workflow_app, "lan")
    assert "1 tài liệu" in staff.get("/documents").text  # effective ones only
    client.close()
    staff.close()


def test_register_is_paginated(workflow_app: FastAPI) -> None:
    from tests.helpers import new_draft

    for n in range(50, 103):
        new_draft(workflow_app.state.engine, f"BM-{n:03d}", title=f"Biểu mẫu {n:03d}")
    client = signed_in(workflow_app, "thu")
    first = client.get("/documents")
    assert "57 tài liệu" in first.text
    assert _rows(first.text) == 50
    assert "Trang 1/2" in first.text
    second = client.get("/documents", params={"page": 2})
    assert _rows(second.text) == 7
    client.close()


def test_document_page_shows_issue_signatures_and_history(workflow_app: FastAPI) -> None:
    client = signed_in(workflow_app, "thu")
    page = client.get("/documents/QT-01").text
    assert "<h1 id=" in page  # the body rendered as HTML
    assert "Có hiệu lực" in page
    assert "Hợp lệ" in page  # signatures and their validity
    assert "Lê Thị Minh Thư" in page
    assert "Lần ban hành 2 đang được soạn" in page
    with read_session(workflow_app.state.engine) as session:
        _, rev = documents.get_revision(session, viewer=None, code="QT-01")
    assert rev.content_hash in page
    client.close()


def test_the_comparison_page_without_issues_compares_the_current_issue_with_the_one_before(
    app: FastAPI,
) -> None:
    engine = app.state.engine
    effective_document(engine, "QT-01")
    thu = signed_in(app, "thu")
    first_only = thu.get("/documents/QT-01/diff")
    assert first_only.status_code == 422
    assert "lần ban hành 1 là lần ban hành đầu tiên của QT-01" in first_only.text
    revise(engine)
    to_effective(engine)
    diff = thu.get("/documents/QT-01/diff")
    assert diff.status_code == 200
    assert "<del>1</del>" in diff.text
    assert "<ins>2</ins>" in diff.text
    thu.close()


def test_an_unreadable_issue_number_is_named_in_the_page_language(app: FastAPI) -> None:
    effective_document(app.state.engine, "QT-01")
    thu = signed_in(app, "thu")
    page = thu.get("/documents/QT-01/diff", params={"old": "một", "new": 0})
    assert page.status_code == 422
    message = html.fromstring(page.text).xpath("string(//main)")
    assert "old: cần một số nguyên" in message
    assert "new: cần ít nhất 1" in message
    assert "Input should" not in page.text
    thu.choose_language("en")
    english = thu.get("/documents/QT-01/diff", params={"old": "one"}).text
    assert "old: a whole number is needed" in english
    thu.close()


def test_superseded_issue_is_marked_for_coordinators_and_hidden_from_staff(app: FastAPI) -> None:
    engine = app.state.engine
    effective_document(engine, "QT-01")
    revise(engine)
    to_effective(engine)
    thu = signed_in(app, "thu")
    old = thu.get("/documents/QT-01", params={"issue": 1})
    assert "Bị thay thế" in old.text
    assert "Lần ban hành này không còn hiệu lực." in old.text
    diff = thu.get("/documents/QT-01/diff", params={"old": 1, "new": 2})
    assert "<del>1</del>" in diff.text
    assert "<ins>2</ins>" in diff.text
    lan = signed_in(app, "lan")
    assert lan.get("/documents/QT-01", params={"issue": 1}).status_code == 404  # as if missing
    current = lan.get("/documents/QT-01")
    assert "Bị thay thế" not in current.text
    thu.close()
    lan.close()


def test_pdf_download_is_the_stored_controlled_copy(workflow_app: FastAPI) -> None:
    client = signed_in(workflow_app, "lan")
    response = client.get("/documents/QT-01/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="QT-01_issue-1.pdf"' in response.headers["content-disposition"]
    with read_session(workflow_app.state.engine) as session:
        _, rev = documents.get_revision(session, viewer=None, code="QT-01")
        blob = session.exec(select(Blob).where(Blob.sha256 == rev.pdf_sha256)).one()
    assert response.content == blob.data
    assert "QT-01" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    client.close()


def test_acknowledge_from_page_and_portal(workflow_app: FastAPI) -> None:
    client = signed_in(workflow_app, "lan")
    portal = client.get("/portal", params={"dept": "VP"})
    assert "QT-01" in portal.text
    assert "Tôi đã đọc" in portal.text
    assert client.get("/").text.count("inbox-acknowledge") == 1
    done = client.form("/documents/QT-01/acknowledge", headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert "Đã xác nhận" in done.text
    again = client.form("/documents/QT-01/acknowledge")
    assert again.status_code == 303
    with read_session(workflow_app.state.engine) as session:
        assert len(session.exec(select(Acknowledgement)).all()) == 1
    assert "Đã xác nhận" in client.get("/portal", params={"dept": "VP"}).text
    page = client.get("/documents/QT-01").text
    assert "Bạn đã xác nhận đã đọc lần ban hành này." in page
    client.close()


def test_home_counts_what_waits(workflow_app: FastAPI) -> None:
    hung = signed_in(workflow_app, "hung").get("/").text
    assert 'id="inbox-review"' in hung
    assert "QT-02" in hung  # in review, not yet reviewed
    hai = signed_in(workflow_app, "hai").get("/").text
    assert "QT-03" in hai  # reviewed, waiting for approval
    thu = signed_in(workflow_app, "thu").get("/").text
    assert 'id="inbox-drafts"' in thu
    assert "QT-01" in thu  # issue 2 is thu's draft


def test_the_signature_table_reads_in_the_standard_terms(workflow_app: FastAPI) -> None:
    client = signed_in(workflow_app, "thu")
    page = html.fromstring(client.get("/documents/QT-01").text)
    table = page.xpath("//section[@class='signatures']/table")[0]
    assert table.xpath("string(thead/tr/th[1])") == "Vai trò ký"
    roles = [cell.text_content().strip() for cell in table.xpath("tbody/tr/td[1]")]
    assert roles == ["Soạn thảo", "Xem xét", "Phê duyệt"]
    assert {cell.get("data-label") for cell in table.xpath("tbody/tr/td[1]")} == {"Vai trò ký"}
    client.close()
