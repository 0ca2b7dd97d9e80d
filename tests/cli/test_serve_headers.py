"""``qms serve`` as a real server: its responses do not name the software behind them."""

import shutil
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import httpx
import pytest

from tests import live_server
from tests.seed import PASSWORD

# Headers that tell a prober which server, framework or language answers.
STACK_HEADERS = ("server", "x-powered-by", "x-aspnet-version", "x-runtime", "via")


def _headers(url: str) -> Message:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        headers: Message = response.headers
        return headers


@pytest.fixture
def served(sqlite_templates: dict[bool, Path], tmp_path: Path) -> Iterator[str]:
    """The base URL of ``qms serve`` on a free loopback port, stopped afterwards."""
    database = tmp_path / "served.db"
    shutil.copyfile(sqlite_templates[True], database)
    with live_server.served(f"sqlite:///{database}", tmp_path) as base:
        yield base


@pytest.mark.parametrize("path", ["/login", "/api/session"])
def test_responses_do_not_advertise_the_stack(served: str, path: str) -> None:
    headers = _headers(served + path)
    advertised = {name: headers[name] for name in STACK_HEADERS if name in headers}
    assert advertised == {}
    # The page and the API answer as usual, with the application's own headers.
    assert headers["x-content-type-options"] == "nosniff"


def test_signed_in_responses_are_not_stored(served: str) -> None:
    """Through the real server too: what a signed-in user gets is ``no-store``, the
    application's static files stay cacheable."""
    with httpx.Client(base_url=served, timeout=10) as client:
        token = client.get("/api/session").json()["csrf_token"]
        assert "no-store" not in client.get("/api/session").headers.get("cache-control", "")
        signed = client.post(
            "/api/session",
            json={"username": "lan", "password": PASSWORD},
            headers={"X-CSRF-Token": token},
        )
        assert signed.status_code == 200
        for path in ("/api/documents", "/documents", "/api/session"):
            response = client.get(path)
            assert response.status_code == 200
            assert response.headers["cache-control"] == "no-store", path
        assert "no-store" not in client.get("/static/qms.css").headers.get("cache-control", "")
