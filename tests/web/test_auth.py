"""Signing in and out, throttling, password change, the session cookie."""

import pytest
from fastapi import FastAPI
from sqlmodel import select

from qms.db import read_session
from qms.models import LoginAttempt, TrailEvent
from qms.services.people import logins
from qms.settings import Settings
from qms.web.app import create_app
from qms.web.i18n import LANGUAGE_COOKIE
from tests.helpers import snapshot
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in


def _cookie_header(response) -> str:  # type: ignore[no-untyped-def]
    headers = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    found = [h for h in headers if h.startswith("qms_session=")]
    assert found, headers
    return found[-1]


def test_sign_in_sets_a_protected_session_cookie(app: FastAPI) -> None:
    with WebClient(app) as client:
        response = client.login("thu")
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        cookie = _cookie_header(response).lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert "secure" not in cookie.replace("httponly", "")
        assert "max-age=28800" in cookie
        home = client.get("/")
        assert home.status_code == 200
        assert "Lê Thị Minh Thư" in home.text


def test_cookie_is_secure_when_configured(db_url: str) -> None:
    app = create_app(Settings(database_url=db_url, cookie_secure=True))
    with WebClient(app, base_url="https://testserver") as client:
        cookie = _cookie_header(client.login("thu")).lower()
    app.state.engine.dispose()
    assert "; secure" in cookie


def test_pages_need_signing_in(anonymous: WebClient) -> None:
    response = anonymous.get("/documents?q=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/documents%3Fq%3Dx"
    assert anonymous.get("/api/documents").json() == {
        "error": {"status": 401, "message": "Vui lòng đăng nhập."}
    }


def test_wrong_password_is_refused_and_recorded(app: FastAPI) -> None:
    with WebClient(app) as client:
        response = client.login("thu", "wrong-password")
        assert response.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu." in response.text
        assert client.get("/").status_code == 303
    with read_session(app.state.engine) as session:
        attempts = session.exec(select(LoginAttempt)).all()
    assert [(a.username, a.succeeded) for a in attempts] == [("thu", False)]


def test_success_goes_on_the_trail(app: FastAPI) -> None:
    signed_in(app, "hai").close()
    with read_session(app.state.engine) as session:
        events = session.exec(select(TrailEvent).where(TrailEvent.action == "user.login")).all()
    assert [e.actor for e in events] == ["hai"]


@pytest.mark.real_clock  # throttling windows run on real time
def test_throttling_after_repeated_failures(app: FastAPI) -> None:
    with WebClient(app) as client:
        client.cookies.set(LANGUAGE_COOKIE, "en")  # the sign-in page in English
        for _ in range(logins.MAX_FAILURES_PER_USER):
            assert client.login("thu", "wrong-password").status_code == 401
        refused = client.login("thu", PASSWORD)  # even the right password
        assert refused.status_code == 429
        assert "too many failed sign-ins; try again in 15 minutes" in refused.text
        assert client.login("hai").status_code == 303  # another user is not blocked


@pytest.mark.real_clock
def test_throttling_per_client_address(app: FastAPI) -> None:
    with WebClient(app) as client:
        names = ["thu", "nam", "hung", "mai", "hai"]
        for index in range(logins.MAX_FAILURES_PER_CLIENT):
            client.login(names[index % len(names)] + "x", "wrong-password")
        assert client.login("quang").status_code == 429


def test_next_only_goes_to_local_pages(app: FastAPI) -> None:
    with WebClient(app) as client:
        page = client.get("/login?next=//evil.example/x")
        assert 'name="next" value="/"' in page.text
        page = client.get("/login?next=/documents/QT-01")
        assert 'name="next" value="/documents/QT-01"' in page.text


def test_logout_ends_the_session(app: FastAPI) -> None:
    client = signed_in(app, "thu")
    assert client.form("/logout").status_code == 303
    assert client.get("/").status_code == 303
    client.close()


def test_password_change(app: FastAPI) -> None:
    client = signed_in(app, "lan")
    other = signed_in(app, "lan")
    before = snapshot(app.state.engine)
    wrong = client.form(
        "/account/password",
        {
            "current_password": "nope",
            "new_password": "n3w-secret!",
            "repeat_password": "n3w-secret!",
        },
    )
    assert wrong.status_code == 401
    differ = client.form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "n3w-secret!", "repeat_password": "other"},
    )
    assert differ.status_code == 422
    assert snapshot(app.state.engine) == before
    done = client.form(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "n3w-secret!",
            "repeat_password": "n3w-secret!",
        },
    )
    assert done.status_code == 303
    assert client.get("/account").status_code == 200  # this session goes on
    assert other.get("/").status_code == 303  # the other one ended
    with WebClient(app) as fresh:
        assert fresh.login("lan", PASSWORD).status_code == 401
        assert fresh.login("lan", "n3w-secret!").status_code == 303
    client.close()
    other.close()


def test_deactivated_user_is_signed_out(app: FastAPI) -> None:
    from qms.services.people import users
    from tests.helpers import act

    client = signed_in(app, "lan")
    act(app.state.engine, users.set_active, "admin", username="lan", active=False)
    assert client.get("/").status_code == 303
    client.close()
