"""A test client that signs in like a browser and carries the anti-forgery token."""

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from tests.seed import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_in(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "the page has no csrf_token field"
    return found.group(1)


class WebClient(TestClient):
    """TestClient plus sign-in and form posts that include the session's token."""

    def __init__(self, app: FastAPI, **kwargs: Any) -> None:
        kwargs.setdefault("follow_redirects", False)
        super().__init__(app, **kwargs)

    def csrf(self) -> str:
        token: str = self.get("/api/session").json()["csrf_token"]
        return token

    def login(self, username: str, password: str = PASSWORD) -> Response:
        page = self.get("/login")
        return self.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token_in(page.text)},
        )

    def form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Response:
        return self.post(url, data={**(data or {}), "csrf_token": self.csrf()}, **kwargs)

    def api(self, url: str, payload: dict[str, Any] | None = None) -> Response:
        return self.post(url, json=payload or {}, headers={"X-CSRF-Token": self.csrf()})

    def choose_language(self, language: str) -> None:
        """The page's switcher: kept on the signed-in user, else in a cookie."""
        chosen = self.form("/language", {"language": language, "next": "/"})
        assert chosen.status_code == 303, chosen.text


def signed_in(app: FastAPI, username: str) -> WebClient:
    client = WebClient(app)
    response = client.login(username)
    assert response.status_code == 303, response.text
    return client
