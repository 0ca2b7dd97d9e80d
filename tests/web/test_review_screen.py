"""The reviewer's page opens on the changes from the effective issue, on the rendered text:
changed words marked inside their formatting, tables compared cell by cell, unchanged
passages folded, the issues named in the column headings, a link to the next change, and
the reason and description of change beside the sign box."""

import re

from sqlalchemy.engine import Engine

from qms.services.documents import revisions
from tests.helpers import act, new_draft, to_effective
from tests.seed import PASSWORD
from tests.web.client import WebClient

UNCHANGED = "".join(f"Đoạn {n} giữ nguyên, không sửa.\n\n" for n in range(1, 9))
OLD = (
    "# 1. Mục đích\n\nQuy định **cách** tiếp nhận hồ sơ.\n\n"
    + UNCHANGED
    + "| Bước | Thời hạn |\n|---|---|\n| Tiếp nhận | 01 ngày |\n| Thẩm định | 03 ngày |\n\n"
    + "- Lưu hồ sơ\n- Báo cáo\n"
)
NEW = (
    "# 1. Mục đích\n\nQuy định **cách thức** tiếp nhận hồ sơ.\n\n"
    + UNCHANGED
    + "| Bước | Thời hạn |\n|---|---|\n| Tiếp nhận | 02 ngày |\n| Thẩm định | 03 ngày |\n\n"
    + "- Lưu hồ sơ\n- Báo cáo <script>alert(1)</script>\n"
)


def _in_review(engine: Engine) -> None:
    new_draft(engine, "QT-30", body=OLD)
    to_effective(engine, "QT-30")
    act(
        engine,
        revisions.revise,
        "thu",
        code="QT-30",
        body=NEW,
        reason="Rút ngắn thời hạn theo kết quả đánh giá",
        description="Sửa thời hạn tiếp nhận",
    )
    act(engine, revisions.submit, "thu", code="QT-30", password=PASSWORD)


def _region(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def test_the_reviewer_sees_only_the_changes(web_engine: Engine, as_user: type) -> None:
    _in_review(web_engine)
    hung: WebClient = as_user("hung")
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    changes = _region(page, '<div class="changes"', "</section>")
    headings = re.findall(r'<div class="(?:old|new)"><strong>([^<]+)</strong>', changes)
    assert headings == ["Lần ban hành 1", "Lần ban hành 2"]
    # A word added inside bold text, marked in its formatting; a table cell.
    assert "<strong>cách<ins> thức</ins></strong>" in changes
    assert "<td><del>01</del> ngày</td>" in changes
    assert "<td><ins>02</ins> ngày</td>" in changes
    assert '<tr class="changed">' in changes
    # Raw HTML typed in the body stays text.
    assert "<script>" not in changes
    assert "Báo cáo<ins> &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in changes
    # Unchanged passages are folded, with one passage of context around each change.
    assert changes.count('<details class="unchanged">') == 1
    start = changes.index('<details class="unchanged">')
    folded = [changes[start : changes.index('<div class="change-row equal">\n', start)]]
    assert "Đoạn không thay đổi: 6 (bấm để xem)" in folded[0]
    assert "Đoạn 2 giữ nguyên" in folded[0]
    assert "Đoạn 7 giữ nguyên" in folded[0]
    assert "Đoạn 1 giữ nguyên" not in folded[0]  # context after the first change
    assert "Đoạn 8 giữ nguyên" not in folded[0]  # context before the table
    # Jumps from change to change.
    assert re.findall(r'id="change-(\d+)"', changes) == ["1", "2", "3"]
    assert 'href="#change-2"' in changes
    assert 'href="#change-3"' in changes
    assert 'href="#change-4"' not in changes
    # Beside the sign box, which holds the review form.
    aside = _region(page, '<aside class="sign-box"', "</aside>")
    assert "Rút ngắn thời hạn theo kết quả đánh giá" in aside
    assert "Sửa thời hạn tiếp nhận" in aside
    assert 'action="/documents/QT-30/review"' in aside
    meta = _region(page, '<section class="meta">', "</section>")  # not again below the text
    assert "Rút ngắn thời hạn theo kết quả đánh giá" not in meta
    assert "Sửa thời hạn tiếp nhận" not in meta
    assert "# 1. Mục đích" not in page  # no raw Markdown


def test_the_full_text_is_one_click_away(web_engine: Engine, as_user: type) -> None:
    _in_review(web_engine)
    hung: WebClient = as_user("hung")
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    assert 'href="/documents/QT-30?issue=2&amp;full=1"' in page
    full = hung.get("/documents/QT-30", params={"issue": 2, "full": 1}).text
    assert '<div class="changes"' not in full
    assert "<strong>cách thức</strong>" in full
    assert "Chỉ xem các thay đổi so với lần ban hành 1" in full
