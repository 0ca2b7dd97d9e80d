"""A reviewer is led to the draft waiting for them: the bell counts it, the notice opens
the document, and the count goes down."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from qms.db import make_engine
from qms.services.documents import revisions
from tests.browser.conftest import Person
from tests.helpers import act, new_draft
from tests.seed import PASSWORD

pytestmark = pytest.mark.browser


def test_the_bell_leads_a_reviewer_to_the_draft(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'browser.db'}")  # the server's database
    try:
        new_draft(engine, "QT-05", title="Quy trình tiếp nhận hồ sơ")
        act(engine, revisions.submit, "thu", code="QT-05", password=PASSWORD, reviewer="mai")
    finally:
        engine.dispose()

    mai = Person(browser, live_server, "mai", PASSWORD)
    page = mai.page
    # QT-01, put in force by the fixture, was sent to every reviewer, mai among them.
    expect(page.locator("header .bell .unread")).to_have_text("2")
    page.locator("header .bell").click()
    page.get_by_role("button", name="Lê Thị Minh Thư đã trình QT-05 lần ban hành 1").click()
    page.wait_for_url(live_server + "/documents/QT-05")
    expect(page.locator("header .bell .unread")).to_have_text("1")
    mai.close()
