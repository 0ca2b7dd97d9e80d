"""The web side of the integrity check: a forged controlled copy is never downloaded, a
document's page flags an issue that is not what the trail recorded, and the trail page
runs the whole check (admins and auditors), as does ``/api/integrity``."""

import html

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from qms.db import read_session
from tests.helpers import effective_document, get
from tests.tamper import edit_body, point_issue_pdf, store_forged_pdf
from tests.web.client import WebClient, signed_in


def _pdf_hash(engine: Engine) -> str:
    with read_session(engine) as session:
        return str(get(session, "QT-01", 1)[1].pdf_sha256)


def test_a_forged_controlled_copy_is_not_served(app: FastAPI, web_engine: Engine) -> None:
    effective_document(web_engine, "QT-01")
    lan = signed_in(app, "lan")
    assert lan.get("/documents/QT-01/pdf").status_code == 200  # served, and confirmed once
    forged = store_forged_pdf(web_engine)
    point_issue_pdf(web_engine, "QT-01", 1, forged)

    for path in ("/documents/QT-01/pdf", "/documents/QT-01/pdf?issue=1"):
        refused = lan.get(path)
        assert refused.status_code == 500, path
        assert refused.headers["content-type"].startswith("text/html")
        assert b"%PDF" not in refused.content
        assert (
            "bản PDF đang lưu của QT-01 lần ban hành 1 không phải bản đã được ghi nhận khi có "
            "hiệu lực" in html.unescape(refused.text)
        )
    api = lan.get("/api/documents/QT-01/revisions/1/pdf")
    assert api.status_code == 500
    assert api.json()["error"]["message"].startswith(
        "bản PDF đang lưu của QT-01 lần ban hành 1 không phải bản đã được ghi nhận"
    )
    lan.close()


def test_the_document_page_shows_the_text_s_hash_and_flags_a_change(
    app: FastAPI, web_engine: Engine
) -> None:
    effective_document(web_engine, "QT-01")
    edited = edit_body(web_engine, "QT-01", 1, "02 ngày", "20 ngày")
    lan = signed_in(app, "lan")
    page = html.unescape(lan.get("/documents/QT-01").text)
    assert f"<code>{edited}</code>" in page
    assert "Lần ban hành này không khớp với những gì nhật ký hệ thống đã ghi nhận." in page
    assert "QT-01 lần ban hành 1: nội dung (mã băm " in page
    # The three signatures bind the edited text's hash, and none of them is valid.
    assert page.count('<tr class="invalid">') == 3
    assert page.count("Không hợp lệ: nội dung đã thay đổi sau khi ký") == 3
    lan.close()


def test_the_trail_page_runs_the_whole_check(app: FastAPI, web_engine: Engine) -> None:
    effective_document(web_engine, "QT-01")
    auditor = signed_in(app, "an")
    assert 'hx-get="/trail/integrity"' in auditor.get("/trail").text
    clean = auditor.get("/trail/integrity", headers={"HX-Request": "true"})
    assert clean.status_code == 200
    assert "<html" not in clean.text
    assert "Toàn bộ hồ sơ đang lưu khớp với nhật ký hệ thống" in clean.text

    genuine = _pdf_hash(web_engine)
    forged = store_forged_pdf(web_engine)
    point_issue_pdf(web_engine, "QT-01", 1, forged)
    page = auditor.get("/trail/integrity")
    assert page.status_code == 200
    assert "<html" in page.text
    text = html.unescape(page.text)
    assert "1 giá trị đang lưu khác với những gì nhật ký hệ thống đã ghi nhận:" in text
    assert (
        f"QT-01 lần ban hành 1: bản PDF đang lưu là {forged[:12]}…, nhưng nhật ký hệ thống đã "
        f"ghi nhận {genuine[:12]}…" in text
    )

    report = auditor.get("/api/integrity").json()
    assert report["intact"] is False
    assert [(m["ref"], m["what"], m["expected"], m["found"]) for m in report["mismatches"]] == [
        ("QT-01", "pdf", genuine, forged)
    ]
    # In the auditor's language, as the API's refusals are.
    assert report["mismatches"][0]["message"].startswith(
        "QT-01 lần ban hành 1: bản PDF đang lưu là "
    )
    auditor.close()
    with WebClient(app) as anonymous:
        assert anonymous.get("/api/integrity").status_code == 401
