"""A service's refusal reaches people in their own language: on pages, in the htmx row of
a checklist and in the JSON API, with the values put in as they are and escaped."""

import html
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session
from qms.models import Document, Revision
from qms.services.documents import revisions
from tests.helpers import act, drop_guards, new_draft, snapshot
from tests.seed import PASSWORD
from tests.services.capa_setup import planned, today
from tests.web.client import WebClient, signed_in
from tests.web.records_setup import plan_and_start

Login = Callable[[str], WebClient]


def _message(page: str) -> str:
    """The text of the error page's message, unescaped."""
    start = page.index('<p class="message">') + len('<p class="message">')
    return html.unescape(page[start : page.index("</p>", start)])


def _content_hash(engine: Engine, code: str) -> str:
    with read_session(engine) as session:
        doc = session.exec(select(Document).where(Document.code == code)).one()
        rev = session.exec(select(Revision).where(Revision.document_id == doc.id)).one()
        return rev.content_hash


def test_an_approver_who_drafted_the_issue_is_refused_in_vietnamese(
    web_engine: Engine, as_user: Login
) -> None:
    new_draft(web_engine, "QT-50", drafter="drafter2", title="Quy trình tự soạn")
    act(web_engine, revisions.submit, "drafter2", code="QT-50", password=PASSWORD)
    act(web_engine, revisions.review, "hung", code="QT-50", accept=True, password=PASSWORD)
    drafter2 = as_user("drafter2")
    before = snapshot(web_engine)
    form = {"password": PASSWORD, "content_hash": _content_hash(web_engine, "QT-50")}
    refused = drafter2.form("/documents/QT-50/approve", form)
    assert refused.status_code == 403
    assert '<html lang="vi">' in refused.text
    assert _message(refused.text) == (
        "drafter2 đã soạn thảo QT-50 lần ban hành 1 nên không được phê duyệt"
    )
    assert snapshot(web_engine) == before
    drafter2.choose_language("en")
    again = drafter2.form("/documents/QT-50/approve", form)
    assert again.status_code == 403
    assert _message(again.text) == "drafter2 drafted QT-50 issue 1 and cannot approve it"


def test_staff_asking_for_a_draft_read_not_found_in_their_language(
    workflow_app: FastAPI,
) -> None:
    """A hidden issue is refused as a missing one (its state is not named)."""
    lan = signed_in(workflow_app, "lan")
    page = lan.get("/documents/QT-01", params={"issue": 2})
    assert page.status_code == 404
    assert _message(page.text) == "QT-01 không có lần ban hành 2"
    lan.choose_language("en")
    english = lan.get("/documents/QT-01", params={"issue": 2})
    assert _message(english.text) == "QT-01 has no issue 2"
    lan.close()


def test_the_api_refuses_in_the_users_language(workflow_app: FastAPI) -> None:
    lan = signed_in(workflow_app, "lan")
    refused = lan.get("/api/documents/QT-01/revisions/2")
    assert refused.status_code == 404
    assert refused.json() == {"error": {"status": 404, "message": "QT-01 không có lần ban hành 2"}}
    lan.choose_language("en")
    english = lan.get("/api/documents/QT-01/revisions/2").json()
    assert english["error"]["message"] == "QT-01 has no issue 2"
    lan.close()


def test_an_auditor_planning_their_own_department(web_engine: Engine, as_user: Login) -> None:
    binh = as_user("binh")  # an auditor of TP
    day = today(web_engine).isoformat()
    plan = {
        "departments": ["TP"],
        "clauses": "7.5.3",
        "lead": "binh",
        "auditee_rep": "mai",
        "planned_start": day,
        "planned_end": day,
        "objectives": "Đánh giá việc kiểm soát tài liệu",
    }
    before = snapshot(web_engine)
    refused = binh.form("/audits/new", plan)
    assert refused.status_code == 403
    assert _message(refused.text) == (
        "binh thuộc TP, là đơn vị trong phạm vi cuộc đánh giá này; "
        "chuyên gia đánh giá không được đánh giá đơn vị của chính mình"
    )
    api = binh.api(
        "/api/audits",
        {**plan, "departments": ["TP"], "clauses": ["7.5.3"]},
    )
    assert api.status_code == 403
    assert api.json()["error"]["message"].startswith("binh thuộc TP, là đơn vị trong phạm vi")
    assert snapshot(web_engine) == before
    binh.choose_language("en")
    english = binh.form("/audits/new", plan)
    assert _message(english.text) == (
        "binh belongs to TP, which this audit covers; auditors cannot audit their own department"
    )


def test_the_checklist_row_shows_the_refusal_in_vietnamese(
    web_engine: Engine, as_user: Login
) -> None:
    binh = as_user("binh")
    ref = plan_and_start(web_engine, binh)
    row = binh.post(
        f"/audits/{ref}/items/1",
        data={"result": "NC_MINOR", "evidence": "", "csrf_token": binh.csrf()},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200
    assert row.text.lstrip().startswith('<tr id="item-1"')
    assert "kết quả NC_MINOR phải có bằng chứng khách quan" in row.text
    too_long = binh.post(
        f"/audits/{ref}/items/1",
        data={"result": "C", "evidence": "x" * 20_001, "csrf_token": binh.csrf()},
        headers={"HX-Request": "true"},
    )
    assert "bằng chứng dài quá 20.000 ký tự" in too_long.text


def test_values_are_shown_verbatim_and_escaped(as_user: Login) -> None:
    binh = as_user("binh")
    hostile = "<script>{code}</script>"
    page = binh.get("/audits", params={"year": hostile})
    assert page.status_code == 422
    assert "<script>" not in page.text
    assert "&lt;script&gt;{code}&lt;/script&gt;" in page.text
    assert _message(page.text) == f"{hostile!r} không phải năm (2000-2100)"


def test_what_stands_before_closure_is_listed_in_the_page_language(
    web_engine: Engine, as_user: Login
) -> None:
    ref = planned(web_engine)  # two actions open, nothing verified
    thu = as_user("thu")
    page = thu.get(f"/capa/{ref}").text
    assert "<li>2 hành động chưa hoàn thành (1, 2)</li>" in page
    assert "<li>chưa đánh giá hiệu lực</li>" in page
    thu.choose_language("en")
    english = thu.get(f"/capa/{ref}").text
    assert "<li>2 actions not done (1, 2)</li><li>no effective verification</li>" in english


def test_a_broken_trail_is_reported_in_the_page_language(
    web_engine: Engine, as_user: Login
) -> None:
    new_draft(web_engine, "QT-51")
    drop_guards(web_engine)  # what someone with direct database access would do
    with web_engine.begin() as connection:
        connection.execute(text("UPDATE trail_event SET actor = 'x' WHERE seq = 1"))
    admin = as_user("admin")
    check = admin.get("/trail/verify").text
    assert "sự kiện 1 (" in check
    assert "đã bị sửa: nội dung không còn khớp với mã băm" in check


def test_a_corrective_action_form_names_no_command_line_option(
    web_engine: Engine, as_user: Login
) -> None:
    """The web form has no --description or --severity: the page says what is missing."""
    lan = as_user("lan")
    before = snapshot(web_engine)
    form = {"source": "complaint", "department": "MC", "severity": "minor", "description": ""}
    refused = lan.form("/capa/new", form)
    assert refused.status_code == 422
    assert _message(refused.text) == "hãy mô tả sự không phù hợp"
    no_severity = lan.form("/capa/new", {**form, "description": "Hồ sơ trả trễ", "severity": ""})
    assert _message(no_severity.text).startswith("hãy nêu mức độ: ")
    assert "--" not in _message(no_severity.text)
    assert snapshot(web_engine) == before
