"""The coordinator downloads the quarterly objectives report from the reports page, in
Vietnamese, as a district would file it."""

import io
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from pypdf import PdfReader

from qms.db import make_engine
from tests.browser.conftest import Person
from tests.live_server import served
from tests.seed import PASSWORD
from tests.services.reports_setup import a_year_of_measurements

pytestmark = pytest.mark.browser


def test_the_quarterly_report_is_downloaded_from_the_reports_page(
    browser: Browser, sqlite_templates: dict[bool, Path], tmp_path: Path
) -> None:
    database = tmp_path / "reports.db"
    shutil.copyfile(sqlite_templates[True], database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    try:
        year = a_year_of_measurements(engine)
    finally:
        engine.dispose()
    with served(url, tmp_path) as base:
        person = Person(browser, base, "thu", PASSWORD)
        try:
            page = person.page
            person.follow_menu("Đo lường", "Báo cáo")
            form = page.locator("#quarterly-form")
            form.get_by_label("Quý").select_option("3")
            with page.expect_download() as info:
                form.get_by_role("button", name="Tải PDF").click()
            download = info.value
            assert download.suggested_filename == "Báo_cáo_mục_tiêu_chất_lượng_2026-Q3.pdf"
            saved = tmp_path / "report.pdf"
            download.save_as(saved)
        finally:
            person.close()
    pages = [
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(saved.read_bytes())).pages
    ]
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG QUÝ III/2026" in pages[0]
    assert year["desk"] in pages[0]
