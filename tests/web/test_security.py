"""Forged requests are refused, hostile text is shown as text, staff stay out of drafts
and the trail, and errors reveal nothing internal."""

import io
import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pypdf import PdfReader

from qms.services.documents import search
from tests.helpers import snapshot
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in

XSS_TITLE = '<script>alert("t")</script> Quy trình'
XSS_BODY = (
    "# Mục đích\n\n<script>alert('b')</script>\n\n<img src=x onerror=alert('i')>\n\n"
    "[bấm](javascript:alert('l'))\n"
)
XSS_COMMENT = "<script>alert('c')</script> sửa"


def _unsafe_paths(app: FastAPI) -> list[str]:
    """Every state-changing route of every area (the app mounts exactly these routers)."""
    from qms.web import auth
    from qms.web.routes import (
        api_documents,
        documents,
        editing,
        home,
        portal,
        review_comments,
        trail,
    )

    paths = []
    modules = (auth, home, documents, editing, review_comments, portal, trail)
    areas = [("", m.router) for m in modules]
    for prefix, router in [*areas, ("/api", api_documents.router)]:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
                path = route.path.replace("{code}", "QT-01").replace("{comment_id}", "1")
                paths.append(prefix + path)
    return sorted(set(paths))


def test_every_unsafe_route_is_known(workflow_app: FastAPI) -> None:
    assert len(_unsafe_paths(workflow_app)) >= 20


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_csrf_refused_on_every_unsafe_route(workflow_app: FastAPI, token: str | None) -> None:
    client = signed_in(workflow_app, "thu")
    before = snapshot(workflow_app.state.engine)
    for path in _unsafe_paths(workflow_app):
        data = {"password": PASSWORD, "body": "x", "decision": "accept", "language": "en"}
        if token:
            data["csrf_token"] = token
        form = client.post(path, data=data)
        assert form.status_code == 403, path
        headers = {"X-CSRF-Token": token} if token else {}
        api = client.post(path, json={"password": PASSWORD}, headers=headers)
        assert api.status_code == 403, path
    assert snapshot(workflow_app.state.engine) == before
    # and the same request with the session's token goes through
    assert client.form("/documents/QT-01/acknowledge").status_code == 303
    client.close()


def test_csrf_token_of_another_session_is_refused(workflow_app: FastAPI) -> None:
    thu, lan = signed_in(workflow_app, "thu"), signed_in(workflow_app, "lan")
    stolen = thu.csrf()
    response = lan.post("/documents/QT-01/acknowledge", data={"csrf_token": stolen})
    assert response.status_code == 403
    thu.close()
    lan.close()


def test_hostile_text_is_shown_as_text(app: FastAPI) -> None:
    thu = signed_in(app, "thu")
    created = thu.form(
        "/new-document",
        {
            "code": "QT-66",
            "title": XSS_TITLE,
            "doc_type": "procedure",
            "department": "VP",
            "body": XSS_BODY,
        },
    )
    assert created.status_code == 303
    thu.form("/documents/QT-66/submit", {"password": PASSWORD})
    hung = signed_in(app, "hung")
    hung.form("/documents/QT-66/review", {"decision": "return", "comment": XSS_COMMENT})
    pages = [
        thu.get("/documents?q=quy+trinh").text,
        thu.get("/documents/QT-66").text,
        thu.get("/documents/QT-66/edit").text,
        thu.get("/").text,
        thu.form("/preview", {"body": XSS_BODY}).text,
    ]
    for html in pages:
        assert "<script>alert" not in html
        assert not re.search(r"<img[^>]*onerror", html)
        assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Quy trình" in pages[1]
    assert "&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt; sửa" in pages[1]
    thu.close()
    hung.close()


def test_hostile_text_in_pdfs_is_printed_as_text(app: FastAPI) -> None:
    thu = signed_in(app, "thu")
    thu.form(
        "/new-document",
        {
            "code": "QT-67",
            "title": XSS_TITLE,
            "doc_type": "procedure",
            "department": "VP",
            "body": XSS_BODY,
        },
    )
    pdf = thu.get("/documents/QT-67/pdf?issue=1")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert '<script>alert("t")</script>' in text.replace("\n", " ")
    thu.close()


def test_staff_cannot_reach_drafts_or_the_trail(workflow_app: FastAPI) -> None:
    lan = signed_in(workflow_app, "lan")
    for path in [  # a draft is not found, as if it did not exist
        "/documents/QT-01?issue=2",
        "/documents/QT-01/pdf?issue=2",
        "/documents/QT-01/diff?old=1&new=2",
        "/api/documents/QT-01/revisions/2",
        "/api/documents/QT-01/revisions/2/pdf",
    ]:
        assert lan.get(path).status_code == 404, path
    for path in ["/trail", "/trail.csv", "/trail/verify"]:  # forbidden to the role
        assert lan.get(path).status_code == 403, path
    assert lan.get("/documents/QT-02").status_code == 404  # no effective issue: not shown
    page = lan.get("/documents/QT-01")
    assert "Lần ban hành 2" not in page.text
    assert lan.get("/api/documents/QT-01").json()["in_progress"] is None
    lan.close()


def test_errors_reveal_nothing_internal(
    workflow_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals /srv/qms")

    monkeypatch.setattr(search, "register_page", broken)
    with WebClient(workflow_app, raise_server_exceptions=False) as client:
        client.login("thu")
        page = client.get("/documents")
        api = client.get("/api/documents")
    assert page.status_code == 500
    assert "Máy chủ gặp sự cố; chưa có gì được lưu." in page.text
    assert "secret" not in page.text
    assert "Traceback" not in page.text
    assert api.status_code == 500
    assert api.json() == {
        "error": {"status": 500, "message": "Máy chủ gặp sự cố; chưa có gì được lưu."}
    }


def test_not_found_page_and_json(workflow_app: FastAPI) -> None:
    client = signed_in(workflow_app, "thu")
    client.choose_language("en")  # refusals follow the user's language
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    api = client.get("/api/documents/NOPE-1")
    assert api.status_code == 404
    assert api.json() == {"error": {"status": 404, "message": "no document with code NOPE-1"}}
    client.close()


def test_security_headers(workflow_app: FastAPI) -> None:
    with WebClient(workflow_app) as client:
        response = client.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
