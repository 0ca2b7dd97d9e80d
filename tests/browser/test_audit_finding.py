"""An auditor records a finding in a real browser: the checklist item is worked in place
and the finding appears on the audit's findings page."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from qms.db import make_engine
from qms.services.audits import planning as audits
from tests.browser.conftest import Person
from tests.helpers import act
from tests.seed import PASSWORD
from tests.services.capa_setup import plan_mc

pytestmark = pytest.mark.browser


def test_an_auditor_records_a_finding(browser: Browser, live_server: str, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'browser.db'}")  # the server's database
    try:
        ref = plan_mc(engine, objectives="Đánh giá Bộ phận Một cửa")
        act(engine, audits.start, "binh", ref=ref)
    finally:
        engine.dispose()

    binh = Person(browser, live_server, "binh", PASSWORD)
    page = binh.page
    page.locator("#inbox-checklists a", has_text=ref).click()
    page.get_by_role("link", name="Thực hiện danh mục kiểm tra").click()
    row = page.locator("#item-1")
    row.get_by_label("Kết quả").select_option("NC_MINOR")
    row.get_by_label("Bằng chứng khách quan").fill("Quầy số 2 còn bản QT-01 lần 1")
    row.get_by_label("Nội dung phát hiện (sự không phù hợp)").fill("Tài liệu lỗi thời chưa thu hồi")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator("#item-1 .ok")).to_have_text("Đã lưu.")  # the row, updated in place
    page.goto(f"/audits/{ref}/findings")
    expect(page.locator("#finding-1")).to_contain_text("Tài liệu lỗi thời chưa thu hồi")
    expect(page.locator("#finding-1")).to_contain_text("Lập phiếu hành động khắc phục")
    binh.close()
