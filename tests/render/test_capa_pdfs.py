"""The corrective action record and register PDFs, read back with pypdf; input limits."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from qms.render import (
    InputLimits,
    RenderError,
    RenderLimitError,
    record_pdf,
    render_record_pdf,
)
from qms.render.capa_records import capa_record_context, capa_register_context
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import render_template
from qms.render.record_labels import record_labels_for
from qms.text import shorten

from .helpers import joined, page_texts, reader, squeezed
from .record_samples import (
    make_audit_report,
    make_capa_record,
    make_capa_record_en,
    make_register,
)


def test_capa_record_sections_and_values(capa_vi: bytes) -> None:
    text = joined(capa_vi)
    sections = [
        "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC",
        "Số hiệu: CAR-2026-003 — Tình trạng: Đã lập kế hoạch hành động",
        "1. Sự không phù hợp",
        "Nguồn Đánh giá nội bộ",
        "Phát hiện đánh giá IA-2026-01 / phát hiện 1 (7.5.3)",
        "Đơn vị VP – Văn phòng HĐND và UBND",
        "Điều khoản 7.5.3",
        "Mức độ Nặng",
        "Người phát hiện Trần Văn Bình",
        "Thời điểm ghi nhận 07/03/2026 01:15 (UTC+07:00)",
        "Hồ sơ một cửa năm 2020 bị thất lạc.",
        "2. Biện pháp khắc phục tức thời",
        "Tìm lại sổ tiếp nhận tại kho lưu trữ tầng 2.",
        "Người thực hiện Lê Thị Minh Thư",
        "Thời điểm 07/03/2026 09:00 (UTC+07:00)",
        "3. Phân tích nguyên nhân gốc rễ",
        "Phân tích 5 tại sao",
        "Nhóm nguyên nhân Phương pháp, cách làm",
        "Nguyên nhân gốc rễ Quy trình QT-01 chưa quy định nơi lưu và thời hạn lưu hồ sơ.",
        "Có sự không phù hợp tương tự ở nơi khác không?",
        "Có thể xảy ra",
        "4. Kế hoạch hành động khắc phục",
        "5. Đánh giá hiệu lực của hành động khắc phục",
        "6. Đóng phiếu",
        "Chưa đóng (Đã lập kế hoạch hành động)",
    ]
    positions = [text.find(expected) for expected in sections]
    assert -1 not in positions, sections[positions.index(-1)]
    assert positions == sorted(positions)


def test_five_whys_in_order(capa_vi: bytes) -> None:
    text = squeezed(joined(capa_vi))
    rows = [
        "1 Tại sao hồ sơ bị thất lạc? Vì sổ tiếp nhận không có nơi lưu cố định.",
        "2 Tại sao không có nơi lưu cố định? Vì QT-01 không quy định nơi lưu.",
        "3 Tại sao QT-01 không quy định? Vì khi soạn thảo chưa rà soát Mục 7.",
        "4 Tại sao chưa rà soát? Vì không có danh mục kiểm tra khi soạn.",
        "5 Tại sao không có danh mục? Vì chưa được đào tạo về ISO 9001:2015.",
    ]
    positions = [text.find(squeezed(row)) for row in rows]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_action_plan_flags_only_the_overdue_action(capa_vi: bytes) -> None:
    text = squeezed(joined(capa_vi))
    plan = text[text.index(squeezed("4. Kế hoạch")) : text.index(squeezed("5. Đánh giá hiệu lực"))]
    done = plan[plan.index(squeezed("1 Sửa QT-01")) : plan.index(squeezed("2 Đào tạo lại"))]
    late = plan[plan.index(squeezed("2 Đào tạo lại")) :]
    assert squeezed("Lê Thị Minh Thư 01/04/2026 Hoàn thành 28/03/2026 Đã ban hành") in done
    assert squeezed("QT-01 lần ban hành 4") in done
    assert "QUÁHẠN" not in done
    assert squeezed("Nguyễn Văn Nam 15/04/2026 Đang thực hiện QUÁ HẠN") in late
    assert squeezed("Số hành động quá hạn: 1") in late


def test_verification_verdict_and_invalid_signature(capa_vi: bytes) -> None:
    text = squeezed(joined(capa_vi))
    assert (
        squeezed(
            "Nguyễn Thị An Chuyên gia đánh giá 03/05/2026 03:00 (UTC+07:00) Không có hiệu lực "
            "Kiểm tra 20 hồ sơ: 3 hồ sơ vẫn chưa lưu đúng nơi CHỮ KÝ KHÔNG HỢP LỆ"
        )
        in text
    )


def test_open_record_shows_its_status_on_every_page(capa_vi: bytes) -> None:
    texts = page_texts(capa_vi)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert "Số hiệu: CAR-2026-003" in text
        assert "Tình trạng: Đã lập kế hoạch hành động" in text
        assert "Ngày in: 10/05/2026" in text
        assert f"Trang {number}/{len(texts)}" in text
        assert "CHƯA ĐÓNG" not in text


def test_closed_english_record(capa_en: bytes) -> None:
    text = joined(capa_en)
    for expected in (
        "CORRECTIVE ACTION REQUEST",
        "Reference: CAR-2026-007 — Status: Closed",
        "Source Complaint",
        "Severity Minor",
        "1 Why was it late? Because the stamp was missing.",
        "Cause category Equipment, software",
        "elsewhere? No",
        "1 Buy a second stamp Lan Mai 2026-04-01 Done 2026-03-30",
        "Effective No delays in April Signed electronically",
        "Closed by Hai Tran",
        "Closed at 2026-05-03 16:45 (UTC+07:00)",
        "Printed on: 2026-05-10",
        "Page 1 of",
    ):
        assert expected in text
    assert "OVERDUE" not in text
    assert "Not closed" not in text
    assert "Audit finding" not in text  # no linked finding, no empty line for it
    meta = reader(capa_en).metadata
    assert meta is not None
    assert meta.subject == "CAR-2026-007"
    assert meta.title == "Corrective action request CAR-2026-007"


def test_capa_pdfa_is_declared_and_deterministic(capa_en: bytes) -> None:
    first = record_pdf.render(make_capa_record_en(), pdfa=True)
    root = reader(first).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp
    assert b"B" in re.findall(rb"pdfaid:conformance(?:>|=\")(\w)", xmp)
    assert "/OutputIntents" in root
    assert first != capa_en
    assert record_pdf.render(make_capa_record_en()) == capa_en


def test_times_follow_the_record_time_zone() -> None:
    record = make_capa_record(timezone="Europe/London", reported_at=datetime(2026, 6, 1, 12, 0))
    context = capa_record_context(record, record_labels_for("vi"))
    assert context["reported_at"] == "01/06/2026 13:00 (UTC+01:00)"
    with pytest.raises(RenderError, match="time zone"):
        render_record_pdf(make_capa_record(timezone="Mars/Olympus"))


def test_register_is_landscape_with_totals(register_vi: bytes) -> None:
    pages = reader(register_vi).pages
    assert all(page.mediabox.width > page.mediabox.height for page in pages)
    text = joined(register_vi)
    assert "SỔ THEO DÕI HÀNH ĐỘNG KHẮC PHỤC" in text
    assert "Tổng cộng: Đang mở: 4 Có hành động quá hạn: 1 Đã đóng: 2 Ngày in: 10/05/2026" in text
    assert "Trang 1/1" in text
    assert "Số phiếu: 6" in text
    header = "Số hiệu Ngày ghi nhận Đơn vị Nguồn Mức độ Tình trạng Số ngày"
    assert header in text
    assert squeezed(
        "CAR-2026-001 02/01/2026 VP Đánh giá nội bộ Nhẹ Đã lập kế hoạch hành động 101 2 1"
    ) in squeezed(text)
    assert squeezed(
        "CAR-2026-006 07/01/2026 TP Hồ sơ trễ hẹn Nhẹ Mới ghi nhận 106 2 0"
    ) in squeezed(text)
    meta = reader(register_vi).metadata
    assert meta is not None
    assert meta["/CreationDate"].startswith("D:20260510")


def test_register_truncates_descriptions(register_vi: bytes) -> None:
    text = joined(register_vi)
    assert "Mô tả sự không phù hợp số 1." in text
    assert text.count("…") == 6
    full = make_register().rows[0].description
    assert squeezed(full) not in squeezed(text)


def test_register_highlights_overdue_counts() -> None:
    register = make_register()
    context = capa_register_context(register, record_labels_for("vi"))
    html = render_template(pdf_assets_dir(), "capa_register.html", {**context, "watermark": False})
    assert html.count('class="c-count hot"') == 1
    assert '<td class="c-count hot">1</td>' in html


def test_empty_english_register_with_label_override() -> None:
    register = make_register(0, language="en", organisation="Hong Ha District")
    pdf = record_pdf.render(register, labels={"capa_register_title": "CAR log"})
    text = joined(pdf)
    for expected in ("CAR LOG", "Totals: Open: 0 With overdue actions: 0 Closed: 0", "None"):
        assert expected in text
    assert "Page 1 of 1" in text
    with pytest.raises(RenderError, match="unknown label key"):
        render_record_pdf(register, labels={"no_such_label": "x"})


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("  Hồ sơ\n trễ   hẹn ", 40) == "Hồ sơ trễ hẹn"
    cut = shorten("Hồ sơ trễ hẹn tại Bộ phận Một cửa của phường", 20)
    assert cut == "Hồ sơ trễ hẹn tại…"
    assert len(shorten("x" * 500, 50)) == 50


def test_oversize_record_is_refused_before_any_worker_starts() -> None:
    huge = make_capa_record(description="Nội dung. " * 220_000)
    with pytest.raises(RenderLimitError, match=r"the record's text is 2\.\d MB; the limit"):
        render_record_pdf(huge, time_limit=1e-6)


def test_too_many_table_cells_are_refused() -> None:
    with pytest.raises(RenderLimitError, match="tables have 60 cells; the limit is 50"):
        render_record_pdf(make_register(6), limits=InputLimits(max_table_cells=50))
    with pytest.raises(RenderLimitError, match="tables have"):
        render_record_pdf(make_audit_report(), limits=InputLimits(max_table_cells=20))
