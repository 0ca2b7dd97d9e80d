"""A real server (uvicorn in a child process, on a free loopback port, against a fresh
SQLite database) and Debian's Chromium driven through Playwright."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from qms.db import make_engine
from tests.helpers import effective_document
from tests.live_server import served

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


@pytest.fixture
def live_server(sqlite_templates: dict[bool, Path], tmp_path: Path) -> Iterator[str]:
    """URL of a server whose database holds the test people and QT-01 in force."""
    database = tmp_path / "browser.db"
    shutil.copyfile(sqlite_templates[True], database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    effective_document(engine, "QT-01")
    engine.dispose()
    with served(url, tmp_path) as base:
        yield base


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

    def __init__(
        self,
        browser: Browser,
        base: str,
        username: str,
        password: str,
        viewport: ViewportSize | None = None,
        **options: Any,
    ) -> None:
        if viewport:
            options["viewport"] = viewport
        self.context = browser.new_context(base_url=base, accept_downloads=True, **options)
        self.context.set_default_timeout(30_000)
        self.page: Page = self.context.new_page()
        self.page.goto("/login")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url(base + "/")

    def follow_menu(self, group: str, link: str) -> None:
        """Follow a link of the main menu: on a wide screen open its group first; on a
        phone unfold the menu, which shows every group open as a section."""
        toggle = self.page.locator(".menu-toggle")
        nav = self.page.locator("nav.main")
        if toggle.is_visible():
            toggle.click()
        else:
            nav.locator("summary", has_text=group).click()
        nav.get_by_role("link", name=link, exact=True).click()

    def close(self) -> None:
        self.context.close()
