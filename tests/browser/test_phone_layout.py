"""Every page a staff member, a reviewer, a drafter and an auditor use fits a 390 px phone
without sideways scrolling; the navigation folds away, the editor and its preview become
tabs, and the desktop keeps its columns.

One server and one sign-in per person for the whole module: the pages are only read."""

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from qms.db import make_engine
from qms.services.desk import feedback
from qms.services.documents import revisions
from qms.services.objectives import results
from qms.services.people import users
from qms.services.reviews import meeting
from tests.browser.conftest import Person
from tests.helpers import act, effective_document, new_draft
from tests.live_server import served
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj
from tests.services.capa_setup import audit_with_findings, planned
from tests.services.review_setup import started

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}

# A body with what overflows narrow screens: a wide table and one long unbroken word.
WIDE_BODY = (
    "# 1. Mục đích\n\nQuy định việc tiếp nhận và trả kết quả hồ sơ.\n\n"
    "# 2. Nội dung\n\n"
    "| Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu | Ghi chú |\n"
    "|---|---|---|---|---|---|\n"
    "| 1 | Tiếp nhận hồ sơ, kiểm tra thành phần | Bộ phận Một cửa | 0,5 ngày | BM-01-01 | |\n"
    "| 2 | Thẩm định hồ sơ | Phòng Tư pháp | 02 ngày | BM-01-02 | Trình lãnh đạo |\n\n"
    "Đường dẫn: https://dichvucong.example.gov.vn/thu-tuc-hanh-chinh/chi-tiet-thu-tuc-hanh-chinh"
    "?ma-thu-tuc=1.001234.000.00.00.H12\n"
)


@pytest.fixture(scope="module")
def site(
    sqlite_templates: dict[bool, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    """A server with a document in force, one in review, a draft, an audit with findings
    and a corrective action; and the references of the audit and the corrective action."""
    folder = tmp_path_factory.mktemp("phones")
    database = folder / "phones.db"
    shutil.copyfile(sqlite_templates[True], database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    try:
        effective_document(engine, "QT-01")
        act(
            engine,
            revisions.revise,
            "thu",
            code="QT-01",
            body=WIDE_BODY,
            reason="Kết quả đánh giá nội bộ",
            description="Thêm bảng các bước thực hiện",
        )
        act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
        new_draft(engine, "QT-02", title="Quy trình tiếp nhận và trả kết quả hồ sơ", body=WIDE_BODY)
        refs = {"audit": audit_with_findings(engine), "capa": planned(engine)}
        refs["review"] = started(engine)  # its pack holds the CAR above, charts and tables
        act(engine, meeting.decide, "thu", ref=refs["review"], kind="resources", text="Máy quét")
        act(  # a department as long as a district's, in the filters' lists
            engine,
            users.create_department,
            "admin",
            code="QLDT",
            name="Phòng Quản lý đô thị, Tài nguyên và Môi trường, Kinh tế và Hạ tầng",
        )
        refs["objective"] = _measured_objective(engine)
    finally:
        engine.dispose()
    with served(url, folder) as base:
        yield base, refs


def _measured_objective(engine: Engine) -> str:
    """An approved objective with a result not met; a quarter of one-stop-desk figures
    (a long procedure name among them) and a complaint."""
    ref = obj.approved(engine, indicator="Hồ sơ thủ tục hành chính được giải quyết đúng hạn")
    act(engine, results.record_result, "hung", ref=ref, period="2026-Q2", value="96,5")
    rows = [
        *obj.quarter("1.001193", late={"2026-08": 9}),
        *obj.quarter(
            "1.011612", field="Xây dựng - Cấp giấy phép xây dựng nhà ở riêng lẻ", dept="MC"
        ),
    ]
    obj.import_stats(engine, obj.csv_bytes(rows))
    act(
        engine, feedback.record_feedback, "lan", kind="complaint", received_on=date(2026, 10, 12),
        department="MC", summary="Phải đi lại 3 lần để bổ sung hồ sơ", channel="Hòm thư góp ý",
    )  # fmt: skip
    return ref


@pytest.fixture(scope="module")
def people(browser: Browser, site: tuple[str, dict[str, str]]) -> Iterator[dict[str, Person]]:
    """Signed-in people, each signed in the first time a page of theirs is opened."""
    signed_in: dict[str, Person] = {}

    class Lazy(dict[str, Person]):
        def __missing__(self, username: str) -> Person:
            person = Person(browser, site[0], username, PASSWORD)
            signed_in[username] = person
            self[username] = person
            return person

    yield Lazy()
    for person in signed_in.values():
        person.close()


# (who, page): staff lan, reviewer hung, drafter thu, auditor binh, and the administrator.
PAGES = [
    ("lan", "/"),
    ("lan", "/documents"),
    ("lan", "/documents?q=h%E1%BB%93+s%C6%A1"),
    ("lan", "/documents/QT-01"),
    ("lan", "/portal"),
    ("lan", "/notices"),
    ("lan", "/capa/new"),
    ("lan", "/capa/{capa}"),
    ("lan", "/account"),
    ("lan", "/inbox/actions_due"),
    ("hung", "/"),
    ("hung", "/documents"),
    ("hung", "/documents/QT-01?issue=2"),
    ("hung", "/documents/QT-01?issue=2&full=true"),
    ("hung", "/documents/QT-01/diff?old=1&new=2"),
    ("hung", "/notices"),
    ("hung", "/capa"),
    ("hung", "/capa/{capa}"),
    ("thu", "/"),
    ("thu", "/documents/QT-02/edit"),
    ("thu", "/documents/QT-02"),
    ("thu", "/new-document"),
    ("thu", "/audits"),
    ("thu", "/capa/overdue"),
    ("binh", "/audits"),
    ("binh", "/audits/programme"),
    ("binh", "/audits/{audit}"),
    ("binh", "/audits/{audit}/checklist"),
    ("binh", "/audits/{audit}/findings"),
    ("binh", "/audits/grades"),
    ("binh", "/inbox/checklists"),
    ("binh", "/trail"),
    ("thu", "/import-documents"),
    ("admin", "/admin/mail"),
    ("hai", "/dashboard"),
    ("thu", "/reports/yearly"),
    ("thu", "/reports/conformity"),
    ("thu", "/reviews"),
    ("thu", "/reviews/{review}"),
    ("hung", "/reviews/{review}"),
    ("thu", "/records"),
    ("admin", "/admin"),
    ("admin", "/admin/users"),
    ("admin", "/admin/users/new"),
    ("admin", "/admin/users/lan"),
    ("admin", "/admin/departments"),
    ("admin", "/admin/settings"),
    ("admin", "/admin/reviews"),
    ("thu", "/admin/reviews?within=400"),
    ("lan", "/objectives"),
    ("hung", "/objectives/{objective}"),
    ("thu", "/objectives/{objective}"),
    ("thu", "/objectives/new"),
    ("hai", "/objectives"),
    ("lan", "/data"),
    ("thu", "/data?by=procedure&frequency=monthly"),
    ("thu", "/reports"),
    ("hung", "/reports"),
]


def _open(people: dict[str, Person], refs: dict[str, str], who: str, path: str) -> Page:
    page = people[who].page
    page.set_viewport_size(PHONE)
    response = page.goto(path.format(**refs))
    assert response is not None
    assert response.ok, f"{path}: {response.status}"
    return page


def _overflow(page: Page) -> tuple[int, int, list[str]]:
    """The page's scroll width, the screen's width, and the first elements that stick out."""
    result = page.evaluate(
        """() => {
          const root = document.documentElement;
          const out = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
            .slice(0, 5)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
          return [root.scrollWidth, root.clientWidth, out];
        }"""
    )
    return int(result[0]), int(result[1]), [str(e) for e in result[2]]


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{w}:{p}" for w, p in PAGES])
def test_the_page_fits_a_phone(
    people: dict[str, Person], site: tuple[str, dict[str, str]], who: str, path: str
) -> None:
    page = _open(people, site[1], who, path)
    scroll_width, client_width, sticking_out = _overflow(page)
    assert scroll_width <= client_width, sticking_out


def test_the_navigation_folds_into_a_menu_on_a_phone(
    people: dict[str, Person], site: tuple[str, dict[str, str]]
) -> None:
    page = _open(people, site[1], "hung", "/")
    register = page.locator("nav.main").get_by_role("link", name="Danh mục tài liệu")
    expect(register).to_be_hidden()
    page.get_by_role("button", name="Trình đơn").click()
    expect(register).to_be_visible()
    register.click()
    page.wait_for_url(site[0] + "/documents")

    page.set_viewport_size(DESKTOP)
    expect(page.get_by_role("button", name="Trình đơn")).to_be_hidden()
    register = page.locator("nav.main").get_by_role("link", name="Danh mục tài liệu")
    expect(register).to_be_hidden()  # in its group's menu, folded on a wide screen
    page.locator("nav.main summary", has_text="Tài liệu").click()
    expect(register).to_be_visible()


def test_the_editor_and_its_preview_are_tabs_on_a_phone(
    people: dict[str, Person], site: tuple[str, dict[str, str]]
) -> None:
    page = _open(people, site[1], "thu", "/documents/QT-02/edit")
    text, preview = page.locator("textarea[name=body]"), page.locator("#preview")
    expect(text).to_be_visible()
    expect(preview).to_be_hidden()
    page.get_by_role("tab", name="Xem trước").click()
    expect(preview).to_be_visible()
    expect(text).to_be_hidden()
    page.get_by_role("tab", name="Nội dung (Markdown)").click()
    expect(text).to_be_visible()
    assert (text.bounding_box() or {"width": 0})["width"] > 300

    page.set_viewport_size(DESKTOP)  # side by side again
    expect(text).to_be_visible()
    expect(preview).to_be_visible()
    text_box, preview_box = text.bounding_box(), preview.bounding_box()
    assert text_box
    assert preview_box
    assert preview_box["x"] > text_box["x"] + text_box["width"]


def test_register_rows_become_cards_on_a_phone(
    people: dict[str, Person], site: tuple[str, dict[str, str]]
) -> None:
    page = _open(people, site[1], "lan", "/documents")
    cells = page.locator("table.register tbody tr").first.locator("td")
    code, title = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert code
    assert title
    assert title["y"] >= code["y"] + code["height"] - 1  # one under the other
    assert title["width"] > 300
    label = cells.nth(1).evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"Tên tài liệu"'


def test_acknowledging_and_signing_are_under_the_thumb_on_a_phone(
    people: dict[str, Person], site: tuple[str, dict[str, str]]
) -> None:
    page = _open(people, site[1], "lan", "/documents/QT-01")
    acknowledge = page.get_by_role("button", name="Tôi đã đọc lần ban hành này")
    box = acknowledge.bounding_box()  # at the foot of the screen, without scrolling
    assert box
    assert PHONE["height"] * 0.8 <= box["y"]
    assert box["y"] + box["height"] <= PHONE["height"]
    assert box["height"] >= 44

    page = _open(people, site[1], "hung", "/documents/QT-01?issue=2")
    jump = page.get_by_role("link", name="Đến phần ký")
    jump_box = jump.bounding_box()
    assert jump_box
    assert jump_box["y"] + jump_box["height"] <= PHONE["height"]
    jump.click()
    sign = page.get_by_role("button", name="Chấp thuận và ký")
    expect(sign).to_be_in_viewport()
    sign_box = sign.bounding_box()
    assert sign_box
    assert sign_box["height"] >= 44
    assert sign_box["width"] > 300

    page.set_viewport_size(DESKTOP)  # the sign box is beside the changes there
    expect(jump).to_be_hidden()


def test_the_signing_password_has_its_own_line_on_a_phone(
    people: dict[str, Person], site: tuple[str, dict[str, str]]
) -> None:
    """Under its label and as wide as the sign button, on the review screen and in the
    drafter's submit form; not squeezed beside the label's last words."""
    for who, path, button in (
        ("hung", "/documents/QT-01?issue=2", "Chấp thuận và ký"),
        ("thu", "/documents/QT-02", "Ký và trình"),
    ):
        page = _open(people, site[1], who, path)
        form = page.locator("form").filter(has=page.get_by_role("button", name=button))
        password = form.locator("input[type=password]")
        label = form.locator("label:has(input[type=password])")
        sign = form.get_by_role("button", name=button)
        field, words, signing = password.bounding_box(), label.bounding_box(), sign.bounding_box()
        assert field
        assert words
        assert signing
        assert abs(field["x"] - words["x"]) <= 1, path  # starts its own line
        assert abs(field["width"] - signing["width"]) <= 1, path
        assert field["x"] + field["width"] <= PHONE["width"], path


def test_comments_are_written_in_the_body_font_and_the_text_in_monospace(
    people: dict[str, Person], site: tuple[str, dict[str, str]]
) -> None:
    def font(page: Page, selector: str) -> str:
        family: str = page.locator(selector).first.evaluate("e => getComputedStyle(e).fontFamily")
        return family

    page = _open(people, site[1], "hung", "/documents/QT-01?issue=2")
    body_font = font(page, "body")
    assert font(page, "#review textarea[name=comment]") == body_font
    page.locator("details.comment-on summary").first.click()
    assert font(page, "details.comment-on textarea[name=comment]") == body_font
    editor = _open(people, site[1], "thu", "/documents/QT-02/edit")
    assert "monospace" in font(editor, "textarea[name=body]")
    assert font(editor, "textarea[name=description]") == font(editor, "body")
