"""A coordinator uploads the one-stop-desk system's statistics file (the demo's sample) in a
real browser and sees the on-time rates; the same file again changes nothing."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from qms.db import make_engine
from qms.paths import procedures_dir
from qms.services.people import users
from qms.services.sample_measures import DOSSIERS_FILE
from tests.browser.conftest import Person
from tests.helpers import act
from tests.seed import PASSWORD

pytestmark = pytest.mark.browser

# The sample's departments besides the test people's VP, TP and MC.
DEPARTMENTS = {
    "QLDT": "Phòng Quản lý đô thị",
    "TCKH": "Phòng Tài chính - Kế hoạch",
    "TNMT": "Phòng Tài nguyên và Môi trường",
}


def test_a_coordinator_uploads_the_sample_statistics_and_sees_the_rates(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'browser.db'}")  # the server's database
    try:
        for code, name in DEPARTMENTS.items():
            act(engine, users.create_department, "admin", code=code, name=name)
    finally:
        engine.dispose()
    sample = procedures_dir() / "data" / DOSSIERS_FILE

    thu = Person(browser, live_server, "thu", PASSWORD)
    page = thu.page
    thu.follow_menu("Đo lường", "Số liệu một cửa")
    expect(page.get_by_role("heading", level=1)).to_have_text("Số liệu một cửa năm 2026")
    expect(page.locator("table.on-time tbody")).to_contain_text("Chưa có số liệu của năm này.")
    form = page.locator("form#import")
    form.get_by_label("Tệp chứa").select_option("dossiers")
    form.get_by_label("Tệp", exact=True).set_input_files(sample)
    form.get_by_role("button", name="Nhập tệp").click()
    page.wait_for_url(live_server + "/data")
    expect(page.locator(".flash").first).to_contain_text(f"đã nhập 135 dòng từ {DOSSIERS_FILE}")
    rows = page.locator("table.on-time tbody tr")
    expect(rows.filter(has_text="2026-Q3").filter(has_text="Xây dựng")).to_contain_text("92,62 %")
    expect(page.locator("#on-time figure.chart img")).to_be_visible()

    form.get_by_label("Tệp", exact=True).set_input_files(sample)
    form.get_by_role("button", name="Nhập tệp").click()
    page.wait_for_url(live_server + "/data")
    expect(page.locator(".flash").first).to_contain_text("đã được nhập trước đây")
    thu.close()
