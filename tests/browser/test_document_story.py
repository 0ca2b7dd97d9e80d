"""The document story in a real browser, on a desktop and on a 390 px phone, in Vietnamese
and with no command line: a coordinator drafts the next issue and submits it, a reviewer
returns it with a comment on a passage, it is fixed, reviewed on the changes, approved
after one wrong password and takes effect; a staff member finds it without diacritics,
downloads the PDF and acknowledges it. And the language switch."""

import re

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import Person
from tests.seed import PASSWORD

pytestmark = pytest.mark.browser

SCREENS: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
}


def _submit(page: Page) -> None:
    section = page.locator("#submit")
    section.get_by_label("Người xem xét").select_option("hung")
    section.get_by_label("Người phê duyệt").select_option("hai")
    section.get_by_label("Mật khẩu của bạn (ký soạn thảo)").fill(PASSWORD)
    section.get_by_role("button", name="Ký và trình").click()
    expect(page.locator(".flash")).to_contain_text("Đã trình xem xét.")


@pytest.mark.parametrize("screen", SCREENS)
def test_issue_from_draft_to_acknowledgement(
    browser: Browser, live_server: str, screen: str
) -> None:
    viewport = SCREENS[screen]

    def person(username: str) -> Person:
        return Person(browser, live_server, username, PASSWORD, viewport=viewport)

    thu = person("thu")
    page = thu.page
    page.goto("/documents/QT-01")
    page.get_by_role("link", name="Soạn lần ban hành mới").click()
    page.get_by_label("Lý do sửa đổi").fill("Kết quả đánh giá nội bộ")
    page.get_by_label("Nội dung sửa đổi").fill("Bổ sung bước thẩm định")
    editor = page.get_by_label("Nội dung (Markdown)")
    editor.fill(editor.input_value() + "\n## Thẩm định hồ sơ\n\nKiểm tra **đầy đủ** thành phần.\n")
    expect(page.locator("#preview strong")).to_have_text("đầy đủ")  # live preview
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(".flash")).to_contain_text("Đã lưu dự thảo lần ban hành 2.")
    _submit(page)

    hung = person("hung")
    expect(hung.page.locator("#inbox-review")).to_contain_text("QT-01")
    hung.page.locator("#inbox-review a", has_text="QT-01").click()
    passage = hung.page.locator(".change-row .new", has_text="đầy đủ")
    passage.locator("details.comment-on summary").click()
    passage.get_by_label("Nội dung góp ý").fill("Nêu rõ giấy tờ cần kiểm tra")
    passage.locator("details.comment-on").get_by_role("button", name="Ý kiến").click()
    expect(hung.page.locator(".change-row .new", has_text="đầy đủ")).to_contain_text(
        "Nêu rõ giấy tờ cần kiểm tra"
    )
    review = hung.page.locator("#review")
    review.get_by_label("Ý kiến").first.fill("Ghi rõ thời hạn thẩm định")
    review.get_by_role("button", name="Trả lại để sửa").click()
    expect(hung.page.locator(".flash")).to_contain_text("Đã trả lại để sửa.")

    page.goto("/documents/QT-01?issue=2")
    expect(page.locator(".comments")).to_contain_text("Ghi rõ thời hạn thẩm định")
    expect(page.locator("main")).to_contain_text("Nêu rõ giấy tờ cần kiểm tra")
    page.get_by_role("link", name="Sửa dự thảo").click()
    editor = page.get_by_label("Nội dung (Markdown)")
    editor.fill(editor.input_value() + "\nThời hạn thẩm định: 01 ngày làm việc.\n")
    page.get_by_role("button", name="Lưu dự thảo").click()
    _submit(page)

    hung.page.goto("/documents/QT-01?issue=2")
    expect(hung.page.locator(".changes ins").last).to_contain_text("Thời hạn thẩm định")
    review = hung.page.locator("#review")
    review.get_by_label("Mật khẩu của bạn (cần khi chấp thuận: để ký xem xét)").fill(PASSWORD)
    review.get_by_role("button", name="Chấp thuận và ký").click()
    expect(hung.page.locator(".flash")).to_contain_text("Đã ghi nhận xem xét: chấp thuận.")

    hai = person("hai")
    hai.page.locator("#inbox-approve a", has_text="QT-01").click()
    signed_hash = hai.page.locator("code.hash").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", signed_hash)
    # The approver reads the changes from issue 1; a wrong password is refused beside
    # the field, on the same page.
    expect(hai.page.locator(".changes ins").last).to_contain_text("Thời hạn thẩm định")
    hai.page.get_by_label("Mật khẩu của bạn (ký phê duyệt)").fill("wrong-password")
    hai.page.get_by_role("button", name="Phê duyệt và ký").click()
    expect(hai.page.locator("#approve-password-error")).to_have_text("sai mật khẩu của hai")
    hai.page.get_by_label("Mật khẩu của bạn (ký phê duyệt)").fill(PASSWORD)
    hai.page.get_by_role("button", name="Phê duyệt và ký").click()
    expect(hai.page.locator(".flash")).to_contain_text("Đã phê duyệt và ký.")

    page.goto("/documents/QT-01?issue=2")
    page.get_by_role("button", name="Cho lần ban hành này có hiệu lực").click()
    expect(page.locator(".flash")).to_contain_text("Lần ban hành 2 đã có hiệu lực.")
    expect(page.locator(".issue-line")).to_contain_text("Có hiệu lực")

    lan = person("lan")
    staff = lan.page
    lan.follow_menu("Tài liệu", "Danh mục tài liệu")
    staff.get_by_label("Tìm kiếm").fill("tham dinh ho so")  # no diacritics, body words
    expect(staff.locator("#register")).to_contain_text("1 tài liệu")
    staff.locator("#register a", has_text="QT-01").click()
    expect(staff.locator(".issue-line")).to_contain_text("Lần ban hành 2")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Tải PDF").click()
    assert download.value.suggested_filename == "QT-01_issue-2.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    staff.get_by_role("button", name="Tôi đã đọc lần ban hành này").click()
    expect(staff.locator(".flash")).to_contain_text("Cảm ơn: đã ghi nhận bạn đã đọc.")
    expect(staff.locator(".acks")).to_contain_text("lan")
    for person in (thu, hung, hai, lan):
        person.close()


def test_language_switch(browser: Browser, live_server: str) -> None:
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_label("Username").fill("lan")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Việc chờ tôi xử lý")  # lan's own choice
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Waiting for me")
    page.goto("/documents")
    expect(page.locator("h1")).to_have_text("Document register")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("h1")).to_have_text("Danh mục tài liệu")
    context.close()
