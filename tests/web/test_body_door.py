"""The door on the web: the new-document form, the editor, submitting and the JSON API
refuse a body over the caps of the controlled PDF with a readable 422 in the user's
language, and save nothing. A document's page shows the stored HTML of its body."""

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import text

from tests.helpers import effective_document, legacy_body, new_draft, snapshot
from tests.seed import PASSWORD
from tests.services.test_body_door import nested_list
from tests.web.client import WebClient
from tests.web.test_draft_conflict import based_on

Login = Callable[[str], WebClient]
DEEP = nested_list(25)
MESSAGE = "lists or block quotes are nested 25 levels deep; the limit is 20"
NEW = {"code": "QT-09", "title": "Quy trình", "doc_type": "procedure", "department": "VP"}
CHANGE = {"reason": "Kết quả đánh giá", "description": "Bổ sung"}


def test_the_forms_refuse_a_body_over_a_cap(app: FastAPI, as_user: Login) -> None:
    engine = app.state.engine
    effective_document(engine)
    thu = as_user("thu")
    thu.choose_language("en")
    before = snapshot(engine)
    opened = based_on(thu.get("/documents/QT-01/edit").text)
    edit = {**CHANGE, "based_on": opened}
    for url, form in (("/new-document", NEW), ("/documents/QT-01/edit", edit)):
        refused = thu.form(url, {**form, "body": DEEP})
        assert refused.status_code == 422, url
        assert MESSAGE in refused.text
    thu.choose_language("vi")
    before = snapshot(engine)
    refused = thu.form("/new-document", {**NEW, "body": DEEP})
    assert refused.status_code == 422
    assert "danh sách hoặc trích dẫn lồng nhau 25 cấp; giới hạn là 20" in refused.text
    assert snapshot(engine) == before


def test_the_api_refuses_a_body_over_a_cap(app: FastAPI, as_user: Login) -> None:
    engine = app.state.engine
    effective_document(engine)
    thu = as_user("thu")
    thu.choose_language("en")
    before = snapshot(engine)
    new = {"code": "QT-09", "title": "Quy trình", "type": "procedure", "department": "VP"}
    for url, payload in (("/api/documents", new), ("/api/documents/QT-01/revise", CHANGE)):
        refused = thu.api(url, {**payload, "body": DEEP})
        assert refused.status_code == 422, url
        assert refused.json() == {"error": {"status": 422, "message": MESSAGE}}
    assert snapshot(engine) == before


def test_a_draft_saved_before_the_check_is_not_submitted(app: FastAPI, as_user: Login) -> None:
    engine = app.state.engine
    new_draft(engine)
    legacy_body(engine, "QT-01", 1, DEEP)
    thu = as_user("thu")
    thu.choose_language("en")
    page = thu.get("/documents/QT-01")
    assert page.status_code == 200
    assert 'action="/documents/QT-01/submit"' not in page.text
    before = snapshot(engine)
    form = thu.form("/documents/QT-01/submit", {"password": PASSWORD})
    assert form.status_code == 422
    assert MESSAGE in form.text
    api = thu.api("/api/documents/QT-01/submit", {"password": PASSWORD})
    assert api.json() == {"error": {"status": 422, "message": MESSAGE}}
    assert snapshot(engine) == before
    editor = thu.get("/documents/QT-01/edit")  # open, to fix it: the preview says why
    assert editor.status_code == 200
    assert f'<p class="error">{MESSAGE}</p>' in editor.text


def test_pages_show_the_stored_html_of_a_body(app: FastAPI, as_user: Login) -> None:
    """Stored HTML changed behind the application's back is what pages show: proof that
    showing an issue does not convert its body."""
    engine = app.state.engine
    effective_document(engine)
    with engine.begin() as connection:
        changed = connection.execute(text("UPDATE body_html SET html = '<p>Bản đã lưu</p>'"))
        assert changed.rowcount == 1
    for user, url in (("hung", "/documents/QT-01"), ("thu", "/documents/QT-01/edit")):
        page = as_user(user).get(url)
        assert page.status_code == 200
        assert "<p>Bản đã lưu</p>" in page.text
        assert '<h1 id="1-mục-đích">' not in page.text  # the body as converted
