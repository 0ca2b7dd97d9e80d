"""Printed text is never cut off: long words, URLs, table cells, code lines, titles and
names wrap inside the page. Each PDF is read back twice: pypdf finds every character,
and the page images have no ink where text that ran off the page would leave it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qms.render import record_pdf
from qms.render.data import DocumentRendition, HistoryEntry, SignatureLine
from qms.render.manual import ContentsRow, FrontMatter, render_front_matter
from qms.render.pdf import render_document

from .helpers import joined, make_english, make_rendition, squeezed, stray_ink
from .record_samples import make_audit_report, make_capa_record, replace

LONG_WORD = "Hồsơmộtcửaliênthông" * 21  # 399 letters without a space
LONG_URL = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet.html?ma_thu_tuc=" + "a1b2c3d4e5" * 20
LONG_CELL = "BM" + "0123456789" * 30
LONG_CODE_LINE = "sha256sum --check " + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c" * 4
LONG_NAME = ("Nguyễn Thị Phương Thảo Hoàng Lê Minh Đức " * 5)[:200]
TITLE_CAPS = (
    "QUY TRÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH THEO CƠ CHẾ MỘT CỬA LIÊN "
    "THÔNG TẠI BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ CỦA ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ " * 2
)[:300].strip()
DEPARTMENT_CAPS = ("PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG KIÊM VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI " * 4)[:200]
CODE_40 = "QT-" + "ABCDEFGHIJ" * 3 + "-0123456"

BODY = {
    "word": f"# 1. Mục đích\n\nTừ dài: {LONG_WORD} ở giữa câu.\n",
    "url": f"Đường dẫn dịch vụ công: <{LONG_URL}>\n",
    "table cell": (
        "| TT | Nội dung công việc | Trách nhiệm |\n|---|---|---|\n"
        f"| 1 | Biểu mẫu {LONG_CELL} | Văn phòng |\n"
        "| 2 | Xem xét nội dung | Người xem xét |\n"
    ),
    "code block": f"Kiểm tra tệp:\n\n```\n{LONG_CODE_LINE}\n```\n",
    "inline code": f"Lệnh `{LONG_CODE_LINE}` kiểm tra tệp.\n",
}
LONG_TEXT = {
    "word": LONG_WORD,
    "url": LONG_URL,
    "table cell": LONG_CELL,
    "code block": LONG_CODE_LINE,
    "inline code": LONG_CODE_LINE,
}


def assert_printed_in_full(pdf: bytes, *texts: str) -> None:
    """Every text is in the PDF (wherever lines broke) and nothing left the page."""
    printed = squeezed(joined(pdf))
    for text in texts:
        assert squeezed(text) in printed
    assert stray_ink(pdf) == []


@pytest.mark.parametrize("kind", list(BODY))
def test_a_long_run_in_the_body_wraps_inside_the_page(kind: str) -> None:
    pdf = render_document(make_rendition(body_markdown=BODY[kind]))
    assert_printed_in_full(pdf, LONG_TEXT[kind])


def test_an_english_body_with_every_long_run_wraps_inside_the_page() -> None:
    pdf = render_document(make_english(body_markdown="\n\n".join(BODY.values())))
    assert_printed_in_full(pdf, *LONG_TEXT.values())


def test_the_longest_title_department_code_and_names_stay_on_the_page() -> None:
    signer = SignatureLine("drafted", LONG_NAME, LONG_NAME, datetime(2025, 2, 10, 2, 15), True)
    history = (HistoryEntry(1, date(2025, 3, 1), LONG_WORD, f"Sửa mục 3: {LONG_URL}"),)
    doc = make_rendition(
        title=TITLE_CAPS,
        department=DEPARTMENT_CAPS,
        code=CODE_40,
        signatures=(signer,),
        history=history,
    )
    pdf = render_document(doc)
    assert_printed_in_full(pdf, TITLE_CAPS, DEPARTMENT_CAPS, CODE_40, LONG_NAME, LONG_WORD)


def test_an_audit_report_with_a_long_finding_stays_on_the_page() -> None:
    report = make_audit_report()
    finding = replace(report.findings[0], statement=LONG_WORD, evidence=LONG_URL)
    item = replace(report.checklist[0], question=LONG_CELL, evidence=LONG_WORD)
    pdf = record_pdf.render(
        replace(
            report,
            objectives=LONG_WORD,
            departments=(DEPARTMENT_CAPS,),
            criteria=(LONG_URL,),
            lead_auditor=LONG_NAME,
            findings=(finding, *report.findings[1:]),
            checklist=(item, *report.checklist[1:]),
            conclusions=f"{BODY['table cell']}\n\n{BODY['url']}",
        )
    )
    assert_printed_in_full(pdf, LONG_WORD, LONG_URL, LONG_CELL, LONG_NAME, DEPARTMENT_CAPS)


def test_a_corrective_action_record_with_long_texts_stays_on_the_page() -> None:
    record = make_capa_record()
    action = replace(record.actions[0], description=LONG_WORD, owner=LONG_NAME)
    pdf = record_pdf.render(
        replace(
            record,
            description=LONG_WORD,
            department=DEPARTMENT_CAPS,
            root_cause=LONG_URL,
            containment=LONG_CELL,
            actions=(action, *record.actions[1:]),
        )
    )
    assert_printed_in_full(pdf, LONG_WORD, LONG_URL, LONG_CELL, LONG_NAME, DEPARTMENT_CAPS)


def test_a_manual_cover_and_contents_with_long_titles_stay_on_the_page() -> None:
    front = FrontMatter(
        organisation=DEPARTMENT_CAPS,
        title="Hệ thống quản lý chất lượng — Tài liệu hiện hành",
        language="vi",
        compiled_on="01/04/2025",
        compiled_iso="2025-04-01",
        rows=(ContentsRow(CODE_40, TITLE_CAPS, "01", 3), ContentsRow("QT-02", LONG_WORD, "02", 9)),
        identifier=b"0" * 32,
    )
    pdf = render_front_matter(front)
    assert_printed_in_full(pdf, DEPARTMENT_CAPS, TITLE_CAPS, CODE_40, LONG_WORD)


def test_the_running_header_is_no_wider_than_the_text(
    rendition: DocumentRendition, audit_vi: bytes
) -> None:
    # Column widths are shares of the header table; padding used to come on top of them.
    assert stray_ink(render_document(rendition)) == []
    assert stray_ink(audit_vi) == []
