"""The main menu in Chromium: on a 1366 px screen it stays on one row beside the name and
the account links, even for the roles with the most pages; each group opens from the
keyboard, Escape closes it, and one group is open at a time. On a phone the folded menu
shows every group's links as sections."""

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from tests.browser.conftest import Person
from tests.seed import PASSWORD

WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
GROUPS = {
    "admin": ["Tài liệu", "Đánh giá và cải tiến", "Đo lường", "Hệ thống"],
    "thu": ["Tài liệu", "Đánh giá và cải tiến", "Đo lường"],
}


def _box(item: Locator) -> FloatRect:
    box = item.bounding_box()
    assert box is not None
    return box


def _middle(item: Locator) -> float:
    box = _box(item)
    return box["y"] + box["height"] / 2


def _wide(browser: Browser, base: str, username: str) -> Page:
    page = Person(browser, base, username, PASSWORD).page
    page.set_viewport_size(WIDE)
    return page


@pytest.mark.parametrize("username", list(GROUPS))
def test_the_menu_fits_one_row_and_works_from_the_keyboard(
    browser: Browser, live_server: str, username: str
) -> None:
    page = _wide(browser, live_server, username)
    nav = page.locator("nav.main")
    summaries = nav.locator("details > summary")
    expect(summaries).to_have_text(GROUPS[username])
    home = nav.locator("> a")
    row = _middle(home)
    height = _box(home)["height"]
    for item in [
        *summaries.all(),
        page.locator(".brand"),
        page.get_by_role("button", name="Đăng xuất"),
    ]:
        assert abs(_middle(item) - row) < height / 2, item
    assert _box(nav)["height"] < 1.5 * height

    home.focus()
    for index, summary in enumerate(summaries.all()):
        group = nav.locator("details").nth(index)
        page.keyboard.press("Tab")
        expect(summary).to_be_focused()
        page.keyboard.press("Enter")
        expect(group).to_have_attribute("open", "")
        first = group.get_by_role("link").first
        expect(first).to_be_visible()
        page.keyboard.press("Tab")
        expect(first).to_be_focused()
        page.keyboard.press("Escape")
        expect(group).not_to_have_attribute("open", "")
        expect(first).to_be_hidden()
        expect(summary).to_be_focused()


def test_one_group_is_open_at_a_time_and_a_click_elsewhere_closes_it(
    browser: Browser, live_server: str
) -> None:
    page = _wide(browser, live_server, "admin")
    groups = page.locator("nav.main details")
    groups.nth(0).locator("summary").click()
    expect(groups.nth(0)).to_have_attribute("open", "")
    groups.nth(3).locator("summary").click()
    expect(groups.nth(3)).to_have_attribute("open", "")
    expect(groups.nth(0)).not_to_have_attribute("open", "")
    page.mouse.click(WIDE["width"] - 100, WIDE["height"] - 100)  # on the page, below the menu
    expect(groups.nth(3)).not_to_have_attribute("open", "")

    page.goto("/admin/mail")
    expect(page.locator("nav.main summary[aria-current=true]")).to_have_text("Hệ thống")


def test_the_folded_menu_shows_every_group_on_a_phone(browser: Browser, live_server: str) -> None:
    page = Person(browser, live_server, "admin", PASSWORD).page
    page.set_viewport_size(PHONE)
    links = page.locator("nav.main a")
    expect(links.first).to_be_hidden()
    page.get_by_role("button", name="Trình đơn").click()
    expect(page.locator("nav.main summary")).to_have_text(GROUPS["admin"])
    assert links.count() == 14
    for link in links.all():
        expect(link).to_be_visible()
