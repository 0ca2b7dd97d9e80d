"""A real server (uvicorn in a child process, on a free loopback port, against a fresh
SQLite database) and Debian's Chromium driven through Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from qms.db import make_engine
from tests.helpers import effective_document

CHROMIUM = "/usr/bin/chromium"
# This machine has no internet: without these Chromium keeps calling home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")


@pytest.fixture
def live_server(sqlite_templates: dict[bool, Path], tmp_path: Path) -> Iterator[str]:
    """URL of a server whose database holds the test people and QT-01 in force."""
    database = tmp_path / "browser.db"
    shutil.copyfile(sqlite_templates[True], database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    effective_document(engine, "QT-01")
    engine.dispose()
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "QMS_DATABASE_URL": url}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "qms", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


class Person:
    """One user's own browser context (cookies), signed in through the form."""

    def __init__(self, browser: Browser, base: str, username: str, password: str) -> None:
        self.context = browser.new_context(base_url=base, accept_downloads=True)
        self.context.set_default_timeout(30_000)
        self.page: Page = self.context.new_page()
        self.page.goto("/login")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url(base + "/")

    def close(self) -> None:
        self.context.close()
