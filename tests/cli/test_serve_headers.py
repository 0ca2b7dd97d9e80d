"""``qms serve`` as a real server: its responses do not name the software behind them."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

# Headers that tell a prober which server, framework or language answers.
STACK_HEADERS = ("server", "x-powered-by", "x-aspnet-version", "x-runtime", "via")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _headers(url: str) -> Message:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        headers: Message = response.headers
        return headers


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            _headers(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")


@pytest.fixture
def served(sqlite_templates: dict[bool, Path], tmp_path: Path) -> Iterator[str]:
    """The base URL of ``qms serve`` on a free loopback port, stopped afterwards."""
    database = tmp_path / "served.db"
    shutil.copyfile(sqlite_templates[True], database)
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "QMS_DATABASE_URL": f"sqlite:///{database}"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "qms", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/login", process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.mark.parametrize("path", ["/login", "/api/session"])
def test_responses_do_not_advertise_the_stack(served: str, path: str) -> None:
    headers = _headers(served + path)
    advertised = {name: headers[name] for name in STACK_HEADERS if name in headers}
    assert advertised == {}
    # The page and the API answer as usual, with the application's own headers.
    assert headers["x-content-type-options"] == "nosniff"
