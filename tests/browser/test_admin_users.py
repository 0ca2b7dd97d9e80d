"""An administrator on a phone adds a user and resets a password, in Vietnamese; the new
user and the one whose password was reset sign in with what the page showed."""

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Person
from tests.seed import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _shown_password(page: Page) -> str:
    shown = page.locator("#new-password").inner_text().strip()
    assert len(shown) == 12
    return shown


def _fits(page: Page) -> None:
    scroll, screen = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= screen


def test_an_admin_adds_a_user_and_resets_a_password_on_a_phone(
    browser: Browser, live_server: str
) -> None:
    admin = Person(browser, live_server, "admin", PASSWORD)
    page = admin.page
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Trình đơn").click()
    page.locator("nav.main").get_by_role("link", name="Quản trị").click()
    page.get_by_role("link", name="Người dùng").first.click()
    page.get_by_role("link", name="Thêm người dùng").click()
    page.locator("input[name=username]").wait_for()  # the form has replaced the list
    _fits(page)
    page.locator("input[name=username]").fill("xuan")
    page.locator("input[name=full_name]").fill("Ngô Thị Xuân")
    page.locator("select[name=department]").select_option("MC")
    page.get_by_label("cán bộ").check()
    page.get_by_role("button", name="Thêm người dùng").click()
    page.get_by_text("Đã thêm người dùng.").wait_for()
    _fits(page)
    first = _shown_password(page)

    xuan = Person(browser, live_server, "xuan", first)  # signs in with it
    xuan.close()

    page.goto("/admin/users/lan")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    reset = _shown_password(page)
    _fits(page)
    lan = Person(browser, live_server, "lan", reset)
    lan.close()
    admin.close()
