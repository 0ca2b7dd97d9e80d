"""Record PDFs (audit report, corrective action record and register), read back with pypdf."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import datetime

import pytest

from qms.render import (
    InputLimits,
    RenderError,
    RenderLimitError,
    render_audit_report_pdf,
    render_capa_record_pdf,
    render_capa_register_pdf,
)
from qms.render.capa_records import (
    capa_record_context,
    capa_register_context,
    render_capa_record,
    render_capa_register,
    shorten,
)
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import render_template
from qms.render.record_labels import RECORD_EN, RECORD_VI, record_labels_for
from qms.render.records import audit_report_context, render_audit_report, safe_markdown

from .helpers import page_texts, reader
from .record_samples import (
    XSS_IMG,
    XSS_SCRIPT,
    make_audit_report,
    make_audit_report_en,
    make_capa_record,
    make_capa_record_en,
    make_register,
)
from .test_document_pdf import _curves

# ------------------------------------------------------------------ rendered once each


@pytest.fixture(scope="module")
def audit_vi() -> bytes:
    return render_audit_report_pdf(make_audit_report())


@pytest.fixture(scope="module")
def audit_vi_draft() -> bytes:
    return render_audit_report(make_audit_report(status="in_progress"))


@pytest.fixture(scope="module")
def audit_en() -> bytes:
    return render_audit_report(make_audit_report_en())


@pytest.fixture(scope="module")
def capa_vi() -> bytes:
    return render_capa_record_pdf(make_capa_record())


@pytest.fixture(scope="module")
def capa_en() -> bytes:
    return render_capa_record(make_capa_record_en())


@pytest.fixture(scope="module")
def register_vi() -> bytes:
    return render_capa_register_pdf(make_register())


def joined(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def squeezed(text: str) -> str:
    """Without any whitespace: table cells wrap long strings at arbitrary places."""
    return "".join(text.split())


# ------------------------------------------------------------------------- audit report


def test_audit_report_sections_come_in_order_with_their_values(audit_vi: bytes) -> None:
    text = joined(audit_vi)
    sections = [
        "BÁO CÁO ĐÁNH GIÁ NỘI BỘ",
        "1. Mục tiêu đánh giá",
        "Đánh giá sự phù hợp và hiệu lực của HTQLCL tại Văn phòng.",
        "2. Phạm vi đánh giá",
        "VP – Văn phòng HĐND và UBND",
        "TP – Phòng Tư pháp",
        "QT-01 Kiểm soát tài liệu (lần ban hành 3)",
        "3. Chuẩn mực đánh giá",
        "ISO 9001:2015 7.5 Thông tin dạng văn bản",
        "4. Đoàn đánh giá",
        "Trưởng đoàn đánh giá Trần Văn Bình",
        "Thành viên Nguyễn Thị An",
        "Đại diện đơn vị được đánh giá Phạm Văn Hùng",
        "Theo kế hoạch: 02/03/2026 – 04/03/2026",
        "Thực tế: 03/03/2026 – 05/03/2026",
        "5. Tổng hợp kết quả đánh giá",
        "6. Các điểm không phù hợp",
        "7. Khuyến nghị và cơ hội cải tiến",
        "8. Kết luận",
        "9. Nơi nhận",
        "Lưu: VT, ISO",
        "10. Xác nhận",
        "Phụ lục: Danh mục kiểm tra",
    ]
    positions = [text.find(expected) for expected in sections]
    assert -1 not in positions, sections[positions.index(-1)]
    assert positions == sorted(positions)


def test_summary_counts_every_grade(audit_vi: bytes) -> None:
    text = joined(audit_vi)
    for row in (
        "Mức đánh giá Số lượng",
        "Phù hợp 9",
        "Không phù hợp nặng 1",
        "Không phù hợp nhẹ 2",
        "Khuyến nghị 1",
        "Cơ hội cải tiến 0",
        "Tổng số điểm không phù hợp 3",
    ):
        assert row in text


def test_findings_table_and_other_results(audit_vi: bytes) -> None:
    text = joined(audit_vi)
    assert (
        "TT Mức đánh giá Điều khoản Đơn vị Nội dung không phù hợp Bằng chứng khách quan Phiếu CAR"
        in text
    )
    assert squeezed(
        "1 Không phù hợp nặng 7.5.3 VP Hồ sơ một cửa không được lưu đủ 05 năm. "
        "Sổ tiếp nhận năm 2020 bị thất lạc. CAR-2026-003"
    ) in squeezed(text)
    assert squeezed("2 Không phù hợp nhẹ 6.2 TP Mục tiêu chất lượng chưa đo lường") in squeezed(
        text
    )
    assert "8 Khuyến nghị 9.1.3 VP Nên phân tích xu hướng hồ sơ trễ hẹn?" in text
    assert "Chưa có biểu đồ theo tháng." in text


def test_every_page_has_the_header_block(audit_vi: bytes) -> None:
    texts = page_texts(audit_vi)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ" in text
        assert "BÁO CÁO ĐÁNH GIÁ NỘI BỘ" in text
        assert "Số hiệu: IA-2026-01" in text
        assert "Tình trạng: Đã báo cáo" in text
        assert "Ngày báo cáo: 06/03/2026" in text
        assert f"Trang {number}/{len(texts)}" in text


def test_signatures_in_local_time_unsigned_line_and_content_hash(audit_vi: bytes) -> None:
    text = joined(audit_vi)
    block = text[text.index("10. Xác nhận") : text.index("Phụ lục: Danh mục kiểm tra")]
    assert "Trưởng đoàn đánh giá Đại diện đơn vị được đánh giá" in block
    # 17:30 UTC on 6 March is 00:30 on 7 March in Hanoi.
    assert "Đã ký điện tử Trần Văn Bình Trưởng đoàn Ngày ký: 07/03/2026 00:30 (UTC+07:00)" in block
    assert "Chưa ký Phạm Văn Hùng Chánh Văn phòng" in block
    assert block.count("Chưa ký") == 1
    assert "CHỮ KÝ KHÔNG HỢP LỆ" not in text
    assert squeezed(f"Mã băm nội dung (SHA-256): {'5e' * 32}") in squeezed(block)


def test_invalid_and_missing_signatures_are_flagged(audit_en: bytes) -> None:
    text = joined(audit_en)
    assert "Lead auditor Auditee representative" in text
    # No signature rows: both expected signers get an empty, unsigned line.
    assert text.count("Not signed") == 2
    assert "Not signed Trần Văn Bình" in text
    assert "Not signed Phạm Văn Hùng" in text


def test_invalid_signature_is_printed() -> None:
    signer = dataclasses.replace(make_audit_report().signatures[0], valid=False)
    pdf = render_audit_report(make_audit_report(signatures=(signer,), checklist=()))
    text = joined(pdf)
    assert text.count("CHỮ KÝ KHÔNG HỢP LỆ") == 1
    assert text.index("CHỮ KÝ KHÔNG HỢP LỆ") < text.index("Trần Văn Bình Trưởng đoàn")
    assert "Chưa ký Phạm Văn Hùng" in text  # the auditee line is still there to sign


def test_checklist_annex_starts_on_its_own_page(audit_vi: bytes) -> None:
    texts = page_texts(audit_vi)
    start = next(i for i, t in enumerate(texts) if "Phụ lục: Danh mục kiểm tra" in t)
    assert start > 0
    assert all("Câu hỏi kiểm tra số" not in t for t in texts[:start])
    annex = squeezed("\n".join(texts[start:]))
    assert squeezed("TT Điều khoản Nội dung kiểm tra Đơn vị Kết quả Bằng chứng khách quan") in annex
    for n in range(1, 15):
        assert squeezed(f"Câu hỏi kiểm tra số {n}: tài liệu có được kiểm soát không?") in annex
    assert squeezed("1 7.5.2 (2008: 4.2.4) Câu hỏi kiểm tra số 1:") in annex
    assert squeezed("Không phù hợp nặng Đã xem sổ theo dõi số 3") in annex
    assert squeezed("Chưa đánh giá Đã xem sổ theo dõi số 10") in annex
    assert squeezed("Đã xem sổ theo dõi số 12 anh-chup-12.png") in annex


def test_conclusions_markdown_is_formatted_and_sanitised(audit_vi: bytes) -> None:
    text = joined(audit_vi)
    assert "HTQLCL của Văn phòng được duy trì phù hợp với TCVN ISO 9001:2015" in text
    assert "Hồ sơ một cửa lưu chưa đủ thời hạn." in text
    assert "**" not in text
    assert "<script>alert(3)</script>" in text  # raw HTML is shown as text, never obeyed
    html = safe_markdown("**đậm** <b>x</b> [a](javascript:alert(1))", "conclusions", InputLimits())
    assert "<strong>đậm</strong>" in html
    assert "<b>" not in html
    assert "href" not in html


def test_user_markup_is_text_not_markup(audit_vi: bytes, capa_vi: bytes) -> None:
    for pdf in (audit_vi, capa_vi):
        text = squeezed(joined(pdf))
        assert squeezed(XSS_SCRIPT) in text
        assert squeezed(XSS_IMG) in text
        assert all("/Image" not in str(page.get("/Resources")) for page in reader(pdf).pages)
    words = record_labels_for("vi")
    report = make_audit_report()
    html = render_template(
        pdf_assets_dir(),
        "audit_report.html",
        {
            **audit_report_context(
                report, words, safe_markdown(report.conclusions, "", InputLimits())
            ),
            "watermark": False,
        },
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_draft_audit_report_has_a_watermark_that_is_not_text(
    language: str, audit_vi: bytes, audit_vi_draft: bytes, audit_en: bytes
) -> None:
    if language == "vi":
        marked, plain, mark = audit_vi_draft, audit_vi, "DỰ THẢO"
    else:
        marked, mark = audit_en, "DRAFT"
        plain = render_audit_report(make_audit_report_en(status="reported"))
    texts = page_texts(marked)
    assert len(texts) == len(page_texts(plain))
    assert all(mark not in text for text in texts)
    assert all(mark not in text for text in page_texts(plain))
    for marked_page, plain_page in zip(reader(marked).pages, reader(plain).pages, strict=True):
        assert _curves(marked_page) - _curves(plain_page) > 40


def test_english_audit_report(audit_en: bytes) -> None:
    texts = page_texts(audit_en)
    text = "\n".join(texts)
    for expected in (
        "INTERNAL AUDIT REPORT",
        "Status: In progress",
        "Reference: IA-2026-01",
        "Report date: —",
        f"Page 1 of {len(texts)}",
        "1. Audit objectives",
        "5. Summary of results",
        "Conforming 3",
        "Opportunity for improvement 1",
        "Total nonconformities 1",
        "1 Minor nonconformity 7.5.2 VP Form not dated BM-01",
        "7. Observations and opportunities for improvement",
        "None",
        "Document control is effective.",
        "Annex: audit checklist",
        "Not answered",
        "Uncontrolled when printed",
    ):
        assert expected in text
    assert "Trang" not in text
    follow_up = render_audit_report(make_audit_report_en(audit_type="follow_up", checklist=()))
    assert "FOLLOW-UP AUDIT REPORT" in page_texts(follow_up)[0]


def test_audit_report_metadata(audit_vi: bytes) -> None:
    meta = reader(audit_vi).metadata
    assert meta is not None
    assert meta.title == "Báo cáo đánh giá nội bộ IA-2026-01"
    assert meta.subject == "IA-2026-01"
    assert meta.author == "Trần Văn Bình"
    assert "IA-2026-01" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20260306")
    undated = reader(render_audit_report(make_audit_report_en(checklist=()))).metadata
    assert undated is not None
    assert "/CreationDate" not in undated


def test_same_input_gives_identical_bytes(audit_vi: bytes) -> None:
    decomposed = unicodedata.normalize("NFD", "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ")
    again = render_audit_report(make_audit_report(organisation=decomposed))
    assert again == audit_vi
    file_id = reader(audit_vi).trailer["/ID"][0]
    other = render_audit_report(make_audit_report(content_hash="cd" * 32))
    assert reader(other).trailer["/ID"][0] != file_id


# ---------------------------------------------------------------- corrective action


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
        "2. Sự khắc phục (xử lý tức thời)",
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
        "5. Xác nhận hiệu lực của hành động khắc phục",
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
    plan = text[text.index(squeezed("4. Kế hoạch")) : text.index(squeezed("5. Xác nhận"))]
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
    first = render_capa_record(make_capa_record_en(), pdfa=True)
    root = reader(first).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp
    assert b"B" in re.findall(rb"pdfaid:conformance(?:>|=\")(\w)", xmp)
    assert "/OutputIntents" in root
    assert first != capa_en
    assert render_capa_record(make_capa_record_en()) == capa_en


def test_times_follow_the_record_time_zone() -> None:
    record = make_capa_record(timezone="Europe/London", reported_at=datetime(2026, 6, 1, 12, 0))
    context = capa_record_context(record, record_labels_for("vi"))
    assert context["reported_at"] == "01/06/2026 13:00 (UTC+01:00)"
    with pytest.raises(RenderError, match="time zone"):
        render_capa_record_pdf(make_capa_record(timezone="Mars/Olympus"))


# -------------------------------------------------------------------------- register


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
    pdf = render_capa_register(register, labels={"capa_register_title": "CAR log"})
    text = joined(pdf)
    for expected in ("CAR LOG", "Totals: Open: 0 With overdue actions: 0 Closed: 0", "None"):
        assert expected in text
    assert "Page 1 of 1" in text
    with pytest.raises(RenderError, match="unknown label key"):
        render_capa_register_pdf(register, labels={"no_such_label": "x"})


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("  Hồ sơ\n trễ   hẹn ", 40) == "Hồ sơ trễ hẹn"
    cut = shorten("Hồ sơ trễ hẹn tại Bộ phận Một cửa của phường", 20)
    assert cut == "Hồ sơ trễ hẹn tại…"
    assert len(shorten("x" * 500, 50)) == 50


# --------------------------------------------------------------------- refused input


def test_oversize_record_is_refused_before_any_worker_starts() -> None:
    huge = make_capa_record(description="Nội dung. " * 220_000)
    with pytest.raises(RenderLimitError, match=r"the record's text is 2\.\d MB; the limit"):
        render_capa_record_pdf(huge, time_limit=1e-6)


def test_too_many_table_cells_are_refused() -> None:
    with pytest.raises(RenderLimitError, match="tables have 60 cells; the limit is 50"):
        render_capa_register_pdf(make_register(6), limits=InputLimits(max_table_cells=50))
    with pytest.raises(RenderLimitError, match="tables have"):
        render_audit_report_pdf(make_audit_report(), limits=InputLimits(max_table_cells=20))


def test_bad_audit_input_is_refused() -> None:
    with pytest.raises(RenderError, match="unknown audit status 'done'"):
        render_audit_report_pdf(make_audit_report(status="done"), time_limit=1e-6)
    with pytest.raises(RenderError, match="records cannot include images"):
        render_audit_report_pdf(make_audit_report(conclusions=f"![x](blob:{'0' * 64})"))
    with pytest.raises(RenderLimitError, match="nested"):
        render_audit_report_pdf(make_audit_report(conclusions="> " * 30 + "sâu"))
    with pytest.raises(RenderError, match="unsupported record language"):
        render_audit_report_pdf(make_audit_report(language="fr"))


def test_record_labels_exist_in_both_languages() -> None:
    assert RECORD_VI.keys() == RECORD_EN.keys()
    assert RECORD_VI["capa_record_title"] == "Phiếu yêu cầu hành động khắc phục"
