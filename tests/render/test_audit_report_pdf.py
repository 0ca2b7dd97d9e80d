"""The audit report PDF (vi and en), read back with pypdf: sections, signatures, annex,
escaping, watermark, metadata and refused input."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from qms.render import (
    InputLimits,
    RenderError,
    RenderLimitError,
    record_pdf,
    render_record_pdf,
)
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import render_template
from qms.render.record_labels import record_labels_for
from qms.render.records import audit_report_context, safe_markdown

from .helpers import joined, page_texts, reader, squeezed
from .record_samples import (
    XSS_IMG,
    XSS_SCRIPT,
    make_audit_report,
    make_audit_report_en,
)
from .test_document_pdf import _curves


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
        "7. Điểm lưu ý và cơ hội cải tiến",
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
        "Điểm lưu ý 1",
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
    assert "8 Điểm lưu ý 9.1.3 VP Nên phân tích xu hướng hồ sơ trễ hẹn?" in text
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
    pdf = record_pdf.render(make_audit_report(signatures=(signer,), checklist=()))
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
        plain = record_pdf.render(make_audit_report_en(status="reported"))
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
    follow_up = record_pdf.render(make_audit_report_en(audit_type="follow_up", checklist=()))
    assert "FOLLOW-UP AUDIT REPORT" in page_texts(follow_up)[0]


def test_audit_report_metadata(audit_vi: bytes) -> None:
    meta = reader(audit_vi).metadata
    assert meta is not None
    assert meta.title == "Báo cáo đánh giá nội bộ IA-2026-01"
    assert meta.subject == "IA-2026-01"
    assert meta.author == "Trần Văn Bình"
    assert "IA-2026-01" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20260306")
    undated = reader(record_pdf.render(make_audit_report_en(checklist=()))).metadata
    assert undated is not None
    assert "/CreationDate" not in undated


def test_same_input_gives_identical_bytes(audit_vi: bytes) -> None:
    decomposed = unicodedata.normalize("NFD", "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ")
    again = record_pdf.render(make_audit_report(organisation=decomposed))
    assert again == audit_vi
    file_id = reader(audit_vi).trailer["/ID"][0]
    other = record_pdf.render(make_audit_report(content_hash="cd" * 32))
    assert reader(other).trailer["/ID"][0] != file_id


def test_bad_audit_input_is_refused() -> None:
    with pytest.raises(RenderError, match="unknown audit status 'done'"):
        render_record_pdf(make_audit_report(status="done"), time_limit=1e-6)
    with pytest.raises(RenderError, match="records cannot include images"):
        render_record_pdf(make_audit_report(conclusions=f"![x](blob:{'0' * 64})"))
    with pytest.raises(RenderLimitError, match="nested"):
        render_record_pdf(make_audit_report(conclusions="> " * 30 + "sâu"))
    with pytest.raises(RenderError, match="unsupported record language"):
        render_record_pdf(make_audit_report(language="fr"))


def test_record_labels_exist_in_both_languages() -> None:
    vi, en = record_labels_for("vi"), record_labels_for("en")
    assert vi.keys() == en.keys()
    assert vi["capa_record_title"] == "Phiếu yêu cầu hành động khắc phục"
    assert en["capa_record_title"] == "Corrective action request"
