"""A reviewer in a real browser: the issue in review opens on its changes from the
effective issue, the reviewer jumps to the first change, comments on a passage, and signs
with a wrong password first: the form comes back with the message beside the password
and the comment still typed; the right password then signs."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from qms.db import make_engine
from qms.services.documents import revisions
from tests.browser.conftest import Person
from tests.helpers import act, effective_document
from tests.live_server import served
from tests.seed import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def in_review(sqlite_templates: dict[bool, Path], tmp_path: Path) -> Iterator[str]:
    """A server whose QT-01 has issue 2 in review, one step of it changed."""
    database = tmp_path / "review.db"
    shutil.copyfile(sqlite_templates[True], database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    effective_document(engine, "QT-01")
    body = (
        "# 1. Mục đích\n\nQuy định cách kiểm soát tài liệu.\n\n"
        "# 2. Nội dung\n\nBước 1: tiếp nhận hồ sơ trong **01 ngày** làm việc.\n"
    )
    act(
        engine,
        revisions.revise,
        "thu",
        code="QT-01",
        body=body,
        reason="Kết quả đánh giá nội bộ",
        description="Rút ngắn thời hạn tiếp nhận",
    )
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    engine.dispose()
    with served(url, tmp_path) as base:
        yield base


def test_a_reviewer_signs_on_the_changes_after_one_wrong_password(
    browser: Browser, in_review: str
) -> None:
    hung = Person(browser, in_review, "hung", PASSWORD)
    page = hung.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/documents/QT-01?issue=2")
    changes = page.locator(".changes")
    expect(changes.locator(".change-row.heading")).to_contain_text("Lần ban hành 1")
    expect(changes.locator(".change-row.heading")).to_contain_text("Lần ban hành 2")
    expect(changes.locator("del").first).to_have_text("02")
    expect(changes.locator("ins").first).to_have_text("01")
    aside = page.locator("aside.sign-box")
    expect(aside).to_contain_text("Rút ngắn thời hạn tiếp nhận")
    assert aside.evaluate("e => getComputedStyle(e).position") == "sticky"

    page.get_by_role("link", name="Thay đổi đầu tiên").click()
    expect(page).to_have_url(in_review + "/documents/QT-01?issue=2#change-1")

    first = page.locator("#change-1")
    first.get_by_text("Góp ý cho đoạn này").click()
    first.get_by_label("Nội dung góp ý").fill("Thời hạn 01 ngày có khả thi không?")
    first.get_by_role("button", name="Ý kiến").click()
    expect(page.locator(".flash")).to_contain_text("Góp ý đã được ghi bên cạnh")
    expect(page.locator("#change-1 .thread")).to_contain_text("Thời hạn 01 ngày có khả thi")

    review = page.locator("#review")
    review.get_by_label("Ý kiến", exact=True).fill("Đồng ý, đề nghị phê duyệt")
    password = review.get_by_label("Mật khẩu của bạn (cần khi chấp thuận: để ký xem xét)")
    password.fill("sai-mat-khau")
    review.get_by_role("button", name="Chấp thuận và ký").click()
    expect(page.locator("#review-password-error")).to_have_text("sai mật khẩu của hung")
    expect(review.locator("textarea[name=comment]")).to_have_value("Đồng ý, đề nghị phê duyệt")
    expect(password).to_have_attribute("aria-invalid", "true")

    password.fill(PASSWORD)
    review.get_by_role("button", name="Chấp thuận và ký").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận xem xét: chấp thuận.")
    expect(page.locator(".issue-line")).to_contain_text("Đã xem xét — chờ phê duyệt")
    hung.close()
