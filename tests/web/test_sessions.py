"""Being signed in is a live session on the server (SQLite and PostgreSQL): a copy of the
cookie stops working when the session ends, lifetimes are kept, and nothing a signed-in
user receives may be stored by a browser or proxy cache."""

from datetime import timedelta

from click.testing import CliRunner
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms import clock
from qms.cli import cli
from qms.db import read_session
from qms.models import WebSession
from qms.services.people import users
from qms.settings import Settings
from qms.web.app import SESSION_COOKIE, create_app
from tests.helpers import act, effective_document, new_draft, snapshot
from tests.pinned_clock import NOW
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in

EDIT = "/documents/QT-01/edit"
DRAFT = {"body": "# 1. Mục đích\n\nSửa đổi giả mạo.\n", "reason": "", "description": ""}


def _copy_of(app: FastAPI, client: WebClient) -> WebClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    copy = WebClient(app)
    copy.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    return copy


def _end_reasons(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(select(WebSession).order_by(col(WebSession.id))).all()
    return [row.end_reason for row in rows]


def test_a_copied_cookie_stops_working_at_sign_out(app: FastAPI, web_engine: Engine) -> None:
    new_draft(web_engine, "QT-01")
    thu = signed_in(app, "thu")
    stolen = _copy_of(app, thu)
    token = stolen.csrf()  # the anti-forgery token the copied cookie carries
    assert stolen.get(EDIT).status_code == 200  # the copy works while the session lives
    assert thu.form("/logout").status_code == 303
    assert thu.get("/").status_code == 303
    before = snapshot(web_engine)
    replayed = stolen.post(EDIT, data={**DRAFT, "csrf_token": token})  # a forged edit
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/login?next=")
    assert snapshot(web_engine) == before  # nothing changed
    assert stolen.get(EDIT).status_code == 303
    assert stolen.get("/api/documents").status_code == 401
    assert _end_reasons(web_engine) == ["logout"]
    thu.close()
    stolen.close()


def test_a_password_change_keeps_this_session_only(app: FastAPI, web_engine: Engine) -> None:
    here, elsewhere = signed_in(app, "lan"), signed_in(app, "lan")
    copy_from_before = _copy_of(app, here)
    changed = here.form(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "n3w-secret!",
            "repeat_password": "n3w-secret!",
        },
    )
    assert changed.status_code == 303
    assert here.get("/account").status_code == 200  # goes on, under a new token
    assert elsewhere.get("/").status_code == 303
    assert copy_from_before.get("/").status_code == 303
    assert _end_reasons(web_engine) == ["", "password_changed"]
    for client in (here, elsewhere, copy_from_before):
        client.close()


def test_deactivation_and_an_admin_end_sessions(
    app: FastAPI, web_engine: Engine, db_url: str
) -> None:
    lan, hung = signed_in(app, "lan"), signed_in(app, "hung")
    ended = CliRunner().invoke(
        cli,
        ["user", "end-sessions", "lan", "--as", "admin"],
        env={"QMS_DATABASE_URL": db_url, "QMS_USER": None},
        catch_exceptions=False,
    )
    assert (ended.exit_code, ended.output) == (0, "lan: 1 session(s) ended\n")
    assert lan.get("/").status_code == 303
    assert hung.get("/").status_code == 200  # only lan's sessions
    act(web_engine, users.set_active, "admin", username="hung", active=False)
    assert hung.get("/").status_code == 303
    assert _end_reasons(web_engine) == ["ended_by_admin", "deactivated"]
    refused = CliRunner().invoke(
        cli,
        ["user", "end-sessions", "hung", "--as", "thu"],
        env={"QMS_DATABASE_URL": db_url, "QMS_USER": None},
    )
    assert refused.exit_code == 4
    assert refused.output.count("\n") == 1
    assert "admin role" in refused.output
    lan.close()
    hung.close()


def test_a_session_ends_when_idle(app: FastAPI) -> None:
    lan = signed_in(app, "lan")
    with clock.pinned(NOW + timedelta(minutes=20)):
        assert lan.get("/").status_code == 200  # activity: "last seen" moves on
    with clock.pinned(NOW + timedelta(minutes=45)):
        assert lan.get("/api/documents").status_code == 200
    with clock.pinned(NOW + timedelta(minutes=76)):  # 31 minutes without a request
        assert lan.get("/").status_code == 303
    lan.close()


def test_a_session_ends_at_its_absolute_lifetime(db_url: str) -> None:
    """With the lifetimes set: idle 15 minutes, at most one hour however busy."""
    app = create_app(Settings(database_url=db_url, session_idle_minutes=15, session_max_hours=1))
    lan = WebClient(app)
    assert "max-age=3600" in lan.login("lan").headers["set-cookie"].lower()
    for minutes in (10, 20, 30, 40, 50, 59):
        with clock.pinned(NOW + timedelta(minutes=minutes)):
            assert lan.get("/").status_code == 200, minutes
    with clock.pinned(NOW + timedelta(minutes=61)):
        assert lan.get("/").status_code == 303
    lan.close()
    app.state.engine.dispose()


def test_signed_in_responses_are_never_stored(app: FastAPI, web_engine: Engine) -> None:
    effective_document(web_engine, "QT-01")
    lan = signed_in(app, "lan")
    admin = signed_in(app, "admin")
    responses = {
        "page": lan.get("/documents"),
        "partial": lan.get("/documents", headers={"HX-Request": "true"}),
        "api": lan.get("/api/documents"),
        "download": lan.get("/documents/QT-01/pdf"),
        "api download": lan.get("/api/documents/QT-01/revisions/1/pdf"),
        "export": admin.get("/trail.csv"),
        "error page": lan.get("/documents/QT-99"),
        "api error": lan.get("/api/documents/QT-99"),
    }
    statuses = {kind: response.status_code for kind, response in responses.items()}
    assert statuses == {**dict.fromkeys(responses, 200), "error page": 404, "api error": 404}
    for kind, response in responses.items():
        assert "no-store" in response.headers.get("cache-control", ""), kind
    assert "no-store" not in lan.get("/static/qms.css").headers.get("cache-control", "")
    lan.close()
    admin.close()


def test_the_download_path_follows_the_server_session(app: FastAPI, web_engine: Engine) -> None:
    """The hot path (one query, no ORM) keeps the same rules: sign out and idle time."""
    effective_document(web_engine, "QT-01")
    lan = signed_in(app, "lan")
    stolen = _copy_of(app, lan)
    assert stolen.get("/documents/QT-01/pdf").status_code == 200
    lan.form("/logout")
    assert stolen.get("/documents/QT-01/pdf").status_code == 303
    idle = signed_in(app, "lan")
    with clock.pinned(NOW + timedelta(minutes=25)):
        assert idle.get("/documents/QT-01/pdf").status_code == 200
    with clock.pinned(NOW + timedelta(minutes=50)):
        assert idle.get("/documents/QT-01/pdf").status_code == 200  # seen at 25 minutes
    with clock.pinned(NOW + timedelta(minutes=81)):
        assert idle.get("/documents/QT-01/pdf").status_code == 303
    for client in (lan, stolen, idle):
        client.close()
