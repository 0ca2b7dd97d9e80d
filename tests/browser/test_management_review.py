"""A management review held in a real browser: the coordinator starts the meeting (the
pack is frozen), writes a conclusion for every input and a decision that becomes an
action; the chair signs with the password and the minutes are locked."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from qms.db import make_engine
from qms.services.reviews.words import INPUTS
from tests.browser.conftest import Person
from tests.pinned_clock import days_from_today
from tests.seed import PASSWORD
from tests.services.review_setup import plan

pytestmark = pytest.mark.browser


def test_a_review_is_held_and_signed_in_the_browser(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'browser.db'}")  # the server's database
    try:
        ref = plan(engine)
    finally:
        engine.dispose()

    thu = Person(browser, live_server, "thu", PASSWORD)
    page = thu.page
    thu.follow_menu("Đo lường", "Xem xét của lãnh đạo")
    page.get_by_role("link", name=ref).click()
    page.get_by_label("10. Sự đầy đủ của nguồn lực").fill("Bộ phận Một cửa thiếu 01 máy quét")
    page.get_by_role("button", name="Bắt đầu họp và chốt dữ liệu đầu vào").click()
    expect(page.locator("#input-resources")).to_contain_text("Bộ phận Một cửa thiếu 01 máy quét")
    for key in INPUTS:
        section = page.locator(f"#input-{key}")
        section.get_by_label("Kết luận").fill(f"Đạt yêu cầu ({key})")
        section.get_by_role("button", name="Lưu kết luận").click()
    page.locator("form.decide").get_by_label("Loại").select_option("resources")
    page.locator("form.decide").get_by_label("Quyết định").fill("Trang bị bổ sung 01 máy quét")
    page.get_by_role("button", name="Ghi quyết định").click()
    act = page.locator("#decision-1 form.act")
    act.get_by_label("Người thực hiện (hành động)").select_option("lan")
    act.get_by_label("Thời hạn (hành động)").fill(f"{days_from_today(30):%Y-%m-%d}")
    act.get_by_role("button", name="Ghi biện pháp thực hiện").click()
    expect(page.locator("#decision-1")).to_contain_text("Nguyễn Thị Lan")
    thu.close()

    hai = Person(browser, live_server, "hai", PASSWORD)
    page = hai.page
    page.goto(f"/reviews/{ref}")
    page.locator("#sign").get_by_label("Mật khẩu của bạn").fill("sai-mat-khau")
    page.get_by_role("button", name="Ký biên bản").click()
    expect(page.locator("#sign .field-error")).to_be_visible()  # refused, nothing signed
    page.locator("#sign").get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_role("button", name="Ký biên bản").click()
    expect(page.locator("h1 .status")).to_have_text("Đã ký")
    expect(page.locator("form.conclusion")).to_have_count(0)  # locked
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biên bản PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    hai.close()
