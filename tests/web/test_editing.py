"""Drafting and signing in the browser: new document, editor and preview, submit,
return with a comment, fix, accept, approve with the password, publish."""

from fastapi import FastAPI

from qms.db import read_session
from qms.services.documents import register as documents
from tests.helpers import last_event, snapshot, statuses, trail_actions
from tests.seed import PASSWORD
from tests.web.client import signed_in

BODY = "# 1. Mục đích\n\nQuy định cách **tiếp nhận** hồ sơ.\n"


def _hash(app: FastAPI, code: str) -> str:
    with read_session(app.state.engine) as session:
        doc = documents.get_document(session, code)
        return documents.revisions_of(session, doc)[-1].content_hash


def test_the_whole_story_in_the_browser(app: FastAPI) -> None:
    engine = app.state.engine
    thu, hung, hai = (signed_in(app, name) for name in ("thu", "hung", "hai"))
    created = thu.form(
        "/new-document",
        {
            "code": "qt-20",
            "title": "Quy trình tiếp nhận",
            "doc_type": "procedure",
            "department": "VP",
            "body": BODY,
        },
    )
    assert created.headers["location"] == "/documents/QT-20/edit"
    editor = thu.get("/documents/QT-20/edit").text
    assert "<strong>tiếp nhận</strong>" in editor  # the preview
    preview = thu.form("/preview", {"body": "## Phạm vi\n\n| a | b |\n|---|---|\n| 1 | 2 |"})
    assert '<h2 id="phạm-vi">Phạm vi</h2>' in preview.text
    assert "<table>" in preview.text
    submitted = thu.form(
        "/documents/QT-20/submit", {"password": PASSWORD, "reviewer": "hung", "approver": "hai"}
    )
    assert submitted.status_code == 303
    assert statuses(engine, "QT-20") == {1: "in_review"}
    page = hung.get("/documents/QT-20").text
    assert "Trả lại để sửa" in page
    returned = hung.form(
        "/documents/QT-20/review", {"decision": "return", "comment": "Bổ sung thời hạn"}
    )
    assert returned.status_code == 303
    assert statuses(engine, "QT-20") == {1: "draft"}
    assert "Bổ sung thời hạn" in thu.get("/documents/QT-20").text
    fixed = {"body": BODY + "\nThời hạn: 02 ngày.\n", "based_on": _hash(app, "QT-20")}
    assert thu.form("/documents/QT-20/edit", fixed).status_code == 303
    thu.form(
        "/documents/QT-20/submit", {"password": PASSWORD, "reviewer": "hung", "approver": "hai"}
    )
    accepted = hung.form("/documents/QT-20/review", {"decision": "accept", "password": PASSWORD})
    assert accepted.status_code == 303
    approval_page = hai.get("/documents/QT-20").text
    content_hash = _hash(app, "QT-20")
    assert f'<code class="hash">{content_hash}</code>' in approval_page
    before, seq = snapshot(engine, skip=("trail_event",)), last_event(engine)
    wrong = hai.form(
        "/documents/QT-20/approve", {"password": "wrong", "content_hash": content_hash}
    )
    assert wrong.status_code == 401
    stale = hai.form("/documents/QT-20/approve", {"password": PASSWORD, "content_hash": "0" * 64})
    assert stale.status_code == 422
    assert snapshot(engine, skip=("trail_event",)) == before
    assert trail_actions(engine, after=seq) == ["signing.refused"]  # only the attempt is kept
    approved = hai.form(
        "/documents/QT-20/approve", {"password": PASSWORD, "content_hash": content_hash}
    )
    assert approved.status_code == 303
    assert statuses(engine, "QT-20") == {1: "approved"}
    published = thu.form("/documents/QT-20/publish")
    assert published.status_code == 303
    assert statuses(engine, "QT-20") == {1: "effective"}
    assert "Có hiệu lực" in thu.get("/documents/QT-20").text
    for client in (thu, hung, hai):
        client.close()


def test_refused_steps_change_nothing(workflow_app: FastAPI) -> None:
    engine = workflow_app.state.engine
    nam = signed_in(workflow_app, "nam")  # a controller, but not the drafter
    thu = signed_in(workflow_app, "thu")
    thu.choose_language("en")  # refusals follow the user's language
    before = snapshot(engine)
    assert nam.form("/documents/QT-01/edit", {"body": "x", "based_on": "0" * 64}).status_code == 403
    assert nam.form("/documents/QT-01/submit", {"password": PASSWORD}).status_code == 403
    assert (
        thu.form(
            "/documents/QT-02/review", {"decision": "accept", "password": PASSWORD}
        ).status_code
        == 403
    )
    assert thu.form("/documents/QT-02/review", {"decision": "maybe"}).status_code == 422
    dup = thu.form(
        "/new-document",
        {"code": "QT-01", "title": "Trùng", "doc_type": "procedure", "department": "VP"},
    )
    assert dup.status_code == 409
    assert "document QT-01 is already registered" in dup.text
    assert snapshot(engine) == before
    nam.close()
    thu.close()
