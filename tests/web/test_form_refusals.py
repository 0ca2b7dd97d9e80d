"""Refusals the web layer makes itself, before any service: a malformed form field or
upload is one readable 4xx in the user's language, and nothing is saved."""

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tests.helpers import snapshot
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in
from tests.web.records_setup import plan_and_start

Login = Callable[[str], WebClient]


def test_an_unknown_language_is_refused_without_a_cookie(anonymous: WebClient) -> None:
    refused = anonymous.form("/language", {"language": "fr", "next": "/"})
    assert refused.status_code == 422
    assert "fr" not in refused.cookies.values()
    assert "qms_lang" not in refused.cookies


def test_a_body_that_cannot_be_read_is_refused_in_the_users_language(
    workflow_app: FastAPI,
) -> None:
    engine = workflow_app.state.engine
    thu = signed_in(workflow_app, "thu")
    before = snapshot(engine)
    refused = thu.post(
        "/api/documents",
        content=b'{"code": "\xff"}',  # not UTF-8
        headers={"X-CSRF-Token": thu.csrf(), "content-type": "application/json"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "Không đọc được yêu cầu: hãy gửi JSON hoặc biểu mẫu, mã hóa UTF-8."
    )
    assert snapshot(engine) == before


def test_a_review_needs_accept_or_return(workflow_app: FastAPI) -> None:
    engine = workflow_app.state.engine
    hung = signed_in(workflow_app, "hung")
    hung.choose_language("en")
    before = snapshot(engine)
    refused = hung.form("/documents/QT-02/review", {"decision": "maybe", "password": PASSWORD})
    assert refused.status_code == 422
    assert "decision must be accept or return" in refused.text
    assert snapshot(engine) == before


def test_programme_months_are_numbers(web_engine: Engine, as_user: Login) -> None:
    thu = as_user("thu")
    thu.choose_language("en")
    before = snapshot(web_engine)
    refused = thu.form(
        "/audits/programme/entry",
        {"year": 2026, "department": "MC", "importance": "high", "months": "3, june"},
    )
    assert refused.status_code == 422
    assert "june&#39; is not a month number (1-12)" in refused.text
    assert snapshot(web_engine) == before


def test_a_verification_is_yes_or_no(web_engine: Engine, as_user: Login) -> None:
    binh = as_user("binh")
    binh.choose_language("en")
    before = snapshot(web_engine)
    refused = binh.form(
        "/capa/CAR-2026-1/verify", {"effective": "maybe", "evidence": "x", "password": PASSWORD}
    )
    assert refused.status_code == 422
    assert "the verification result must be yes or no" in refused.text
    assert snapshot(web_engine) == before


def test_evidence_that_is_not_base64_is_refused(web_engine: Engine, as_user: Login) -> None:
    binh = as_user("binh")
    ref = plan_and_start(web_engine, binh)
    binh.choose_language("en")
    before = snapshot(web_engine)
    refused = binh.api(
        f"/api/audits/{ref}/items/1",
        {"result": "C", "attachments": [{"filename": "anh.txt", "content_base64": "*not*"}]},
    )
    assert refused.status_code == 422
    assert "anh.txt: content_base64 is not base64" in refused.json()["error"]["message"]
    assert snapshot(web_engine) == before


def test_evidence_with_characters_base64_never_has_is_refused(
    web_engine: Engine, as_user: Login
) -> None:
    binh = as_user("binh")
    ref = plan_and_start(web_engine, binh)
    binh.choose_language("en")
    before = snapshot(web_engine)
    refused = binh.api(
        f"/api/audits/{ref}/items/1",
        {"result": "C", "attachments": [{"filename": "ảnh.txt", "content_base64": "ảnh=="}]},
    )
    assert refused.status_code == 422
    assert "ảnh.txt: content_base64 is not base64" in refused.json()["error"]["message"]
    assert snapshot(web_engine) == before


def test_an_attachment_the_item_does_not_have_is_not_found(
    web_engine: Engine, as_user: Login
) -> None:
    binh = as_user("binh")
    ref = plan_and_start(web_engine, binh)
    binh.choose_language("en")
    missing = binh.get(f"/audits/{ref}/items/1/attachments/{'0' * 64}")
    assert missing.status_code == 404
    assert f"item 1 of {ref} has no such attachment" in missing.text
