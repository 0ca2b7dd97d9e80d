"""``qms serve`` as a real server: its responses do not name the software behind them."""

import shutil
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from tests import live_server

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
