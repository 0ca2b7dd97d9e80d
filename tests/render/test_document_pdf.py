"""Controlled PDF of one revision, read back with pypdf."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from datetime import date, datetime

import pytest

from qms.render import RenderError, SignatureLine, render_document_pdf
from qms.render.pdf import render_document

from .helpers import make_english, make_rendition, page_texts, reader

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a7a7e6bd0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def effective_pdf() -> bytes:
    return render_document_pdf(make_rendition())


def test_vietnamese_text_is_intact(effective_pdf: bytes) -> None:
    text = "\n".join(page_texts(effective_pdf))
    for expected in (
        "Quy trình kiểm soát tài liệu",
        "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        "Phê duyệt",
        "Trang 1/",
        "Bảng trách nhiệm",
        "Người phê duyệt",
        "Theo dõi sửa đổi tài liệu",
    ):
        assert expected in text


def test_every_page_has_the_header_block_and_uncontrolled_line() -> None:
    long_body = "\n\n".join(f"Đoạn văn số {n}. " + "Nội dung quy trình. " * 40 for n in range(30))
    pdf = render_document_pdf(make_rendition(body_markdown=long_body))
    texts = page_texts(pdf)
    assert len(texts) >= 4
    for number, text in enumerate(texts, start=1):
        assert "ỦY BAN NHÂN DÂN QUẬN" in text
        assert "Quy trình kiểm soát tài liệu" in text
        assert "Mã hiệu: QT-01" in text
        assert "Lần ban hành: 02" in text
        assert "Ngày hiệu lực: 01/03/2025" in text
        assert f"Trang {number}/{len(texts)}" in text
        assert "Bản in ra không được kiểm soát" in text


def test_signature_table_on_first_page_only_in_local_time(effective_pdf: bytes) -> None:
    first, *rest = page_texts(effective_pdf)
    for label in ("Soạn thảo", "Xem xét", "Phê duyệt"):
        assert label in first
    for name in ("Lê Thị Minh Thư", "Phạm Văn Hùng", "Nguyễn Đức Quang"):
        assert name in first
        assert all(name not in text for text in rest)
    assert "Chủ tịch UBND quận" in first
    # 17:30 UTC on 20 Feb is 00:30 on 21 Feb in Hanoi.
    assert "21/02/2025 00:30 (UTC+07:00)" in first
    assert "CHỮ KÝ KHÔNG HỢP LỆ" not in first


def test_signature_table_heading_names_the_signing_roles(effective_pdf: bytes) -> None:
    first = " ".join(page_texts(effective_pdf)[0].split())
    assert "Vai trò ký Soạn thảo Xem xét Phê duyệt" in first
    assert "Chữ ký và họ tên" in first


def test_english_signature_table_heading() -> None:
    first = " ".join(page_texts(render_document_pdf(make_english()))[0].split())
    assert "Signing role Drafted Reviewed Approved" in first


def test_invalid_signature_is_marked() -> None:
    doc = make_rendition()
    broken = dataclasses.replace(doc.signatures[1], valid=False)
    pdf = render_document(dataclasses.replace(doc, signatures=(doc.signatures[0], broken)))
    first = page_texts(pdf)[0]
    assert first.count("CHỮ KÝ KHÔNG HỢP LỆ") == 1
    assert first.index("CHỮ KÝ KHÔNG HỢP LỆ") < first.index("Phạm Văn Hùng")
    assert "Chưa ký" in first  # nobody approved yet


def test_revision_history_is_the_last_page(effective_pdf: bytes) -> None:
    texts = page_texts(effective_pdf)
    last = texts[-1]
    assert "Theo dõi sửa đổi tài liệu" in last
    assert all("Theo dõi sửa đổi tài liệu" not in text for text in texts[:-1])
    for expected in ("Lý do sửa đổi", "Nội dung sửa đổi", "01/06/2023", "Chuyển sang hệ thống"):
        assert expected in last
    assert last.index("01/06/2023") < last.index("Chuyển sang hệ thống")


def test_body_markdown_becomes_headings_lists_and_tables(effective_pdf: bytes) -> None:
    text = "\n".join(page_texts(effective_pdf))
    assert "1. Mục đích" in text
    assert "Lập đề nghị sửa đổi tài liệu" in text
    assert "05 ngày làm việc" in text
    outline_titles = [
        item.title for item in reader(effective_pdf).outline if hasattr(item, "title")
    ]
    assert "1. Mục đích" in outline_titles
    assert "Theo dõi sửa đổi tài liệu" in outline_titles
    assert "|" not in text  # pipe tables were turned into tables


def test_metadata(effective_pdf: bytes) -> None:
    meta = reader(effective_pdf).metadata
    assert meta is not None
    assert meta.title == "Quy trình kiểm soát tài liệu"
    assert meta.author == "Lê Thị Minh Thư"
    assert "QT-01" in meta.subject
    keywords = [k.strip() for k in meta["/Keywords"].split(",")]
    assert "QT-01" in keywords
    assert "Lần ban hành 02" in keywords
    assert meta["/CreationDate"].startswith("D:20250301")
    assert meta["/ModDate"].startswith("D:20250301")


def test_same_input_gives_identical_bytes_in_worker_and_in_process(effective_pdf: bytes) -> None:
    again = render_document(make_rendition())
    assert again == effective_pdf
    file_id = reader(effective_pdf).trailer["/ID"]
    other = render_document(make_rendition(content_hash="cd" * 32))
    assert reader(other).trailer["/ID"][0] != file_id[0]


def test_decomposed_input_is_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Quy trình kiểm soát tài liệu")
    assert decomposed != "Quy trình kiểm soát tài liệu"
    pdf = render_document(make_rendition(title=decomposed, body_markdown=decomposed))
    text = page_texts(pdf)[0]
    assert text.count("Quy trình kiểm soát tài liệu") >= 2
    assert pdf == render_document(make_rendition(body_markdown="Quy trình kiểm soát tài liệu"))


def test_english_labels_and_overrides() -> None:
    pdf = render_document(make_english())
    text = "\n".join(page_texts(pdf))
    for expected in (
        "Code: EN-QP-01",
        "Issue: 02",
        "Effective date: 2025-03-01",
        "Page 1 of 2",
        "Drafted",
        "Reviewed",
        "Approved",
        "Revision history",
        "Uncontrolled when printed",
    ):
        assert expected in text
    assert "Trang" not in text
    custom = render_document(make_english(), labels={"uncontrolled": "Copy for reference only"})
    custom_text = "\n".join(page_texts(custom))
    assert "Copy for reference only" in custom_text
    assert "Uncontrolled when printed" not in custom_text
    assert custom != pdf


def test_unknown_label_is_refused() -> None:
    with pytest.raises(RenderError, match="unknown label key"):
        render_document(make_rendition(), labels={"no_such_label": "x"})


@pytest.mark.parametrize(
    ("status", "language", "mark"),
    [
        ("draft", "vi", "DỰ THẢO"),
        ("in_review", "vi", "ĐANG XEM XÉT"),
        ("approved", "vi", "ĐÃ PHÊ DUYỆT - CHƯA HIỆU LỰC"),
        ("superseded", "vi", "BỊ THAY THẾ"),
        ("obsolete", "en", "OBSOLETE"),
    ],
)
def test_state_watermark_is_a_background_not_page_text(
    status: str, language: str, mark: str
) -> None:
    make = make_english if language == "en" else make_rendition
    long_body = "\n\n".join("Nội dung. " * 60 for _ in range(12))
    marked = render_document(make(status=status, body_markdown=long_body))
    plain = render_document(make(status="effective", body_markdown=long_body))
    texts = page_texts(marked)
    assert len(texts) == len(page_texts(plain)) >= 2
    # Stated once, as text, on the first page; never as text on the other pages.
    assert texts[0].count(mark) == 1
    assert all(mark not in text for text in texts[1:])
    # Drawn on every page: the glyph outlines add many curve segments to each page.
    for marked_page, plain_page in zip(reader(marked).pages, reader(plain).pages, strict=True):
        assert _curves(marked_page) - _curves(plain_page) > 40


def _curves(page: object) -> int:
    """Bézier segments painted by a page, including its form XObjects and patterns."""
    seen: set[int] = set()

    def walk(obj: object) -> int:
        count = 0
        key = id(obj)
        if key in seen:
            return 0
        seen.add(key)
        getter = getattr(obj, "get_data", None)
        if getter is not None:
            count += len(re.findall(rb"(?<![A-Za-z])c(?![A-Za-z])", getter()))
        resources = obj.get("/Resources") if hasattr(obj, "get") else None
        if resources is not None:
            resources = resources.get_object()
            for kind in ("/XObject", "/Pattern"):
                for ref in (resources.get(kind) or {}).values():
                    count += walk(ref.get_object())
        return count

    contents = page.get_contents()  # type: ignore[attr-defined]
    total = len(re.findall(rb"(?<![A-Za-z])c(?![A-Za-z])", contents.get_data())) if contents else 0
    resources = page.get("/Resources")  # type: ignore[attr-defined]
    if resources is not None:
        for kind in ("/XObject", "/Pattern"):
            for ref in (resources.get_object().get(kind) or {}).values():
                total += walk(ref.get_object())
    return total


def test_images_come_from_the_rendition_mapping() -> None:
    sha = hashlib.sha256(PNG_1X1).hexdigest()
    doc = make_rendition(body_markdown=f"Sơ đồ:\n\n![lưu đồ](blob:{sha})", images={sha: PNG_1X1})
    pdf = render_document(doc)
    images = {
        ref.idnum: ref.get_object()
        for page in reader(pdf).pages
        for ref in (page["/Resources"].get("/XObject") or {}).values()
        if ref.get_object().get("/Subtype") == "/Image"
    }
    assert [(image["/Width"], image["/Height"]) for image in images.values()] == [(1, 1)]
    missing = make_rendition(body_markdown=f"![x](blob:{'0' * 64})")
    with pytest.raises(RenderError, match="blob:0000"):
        render_document(missing)


def test_pdfa_variant_is_declared_and_deterministic() -> None:
    doc = make_rendition(status="superseded")
    first = render_document(doc, pdfa=True)
    assert first == render_document(doc, pdfa=True)
    root = reader(first).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp
    assert b"B" in re.findall(rb"pdfaid:conformance(?:>|=\")(\w)", xmp)
    assert "/OutputIntents" in root
    assert first != render_document(doc)


def test_no_clock_dates_without_effective_date() -> None:
    draft = make_rendition(status="draft", effective_date=None, history=())
    pdf = render_document(draft)
    meta = reader(pdf).metadata
    assert meta is not None
    assert "/CreationDate" not in meta
    assert "/ModDate" not in meta
    assert "Ngày hiệu lực: —" in page_texts(pdf)[0]


def test_signature_time_zone_is_honoured() -> None:
    signer = SignatureLine("approved", "Emma Clarke", "Adviser", datetime(2025, 6, 1, 12, 0), True)
    doc = make_english(
        signatures=(signer,), timezone="Europe/London", effective_date=date(2025, 6, 2)
    )
    assert "2025-06-01 13:00 (UTC+01:00)" in page_texts(render_document(doc))[0]
    with pytest.raises(RenderError, match="time zone"):
        render_document(dataclasses.replace(doc, timezone="Mars/Olympus"))


def test_in_page_links_point_at_their_heading() -> None:
    body = "# 1. Mục đích\n\nXem [phạm vi](#2-phạm-vi).\n\n# 2. Phạm vi\n\nNội dung."
    pdf = render_document(make_rendition(body_markdown=body))
    pdf_reader = reader(pdf)
    links = [
        ref.get_object()
        for page in pdf_reader.pages
        for ref in page.get("/Annots") or ()
        if ref.get_object()["/Subtype"] == "/Link"
    ]
    assert len(links) == 1
    assert "/A" not in links[0]  # an in-document destination, not a URI
    assert pdf_reader.named_destinations["2-phạm-vi"] is not None


def test_labels_exist_in_both_languages() -> None:
    from qms.render.labels import labels_for

    vi, en = labels_for("vi"), labels_for("en")
    assert vi.keys() == en.keys()
    assert vi["history_title"] == "Theo dõi sửa đổi tài liệu"
    assert en["history_title"] == "Revision history"
