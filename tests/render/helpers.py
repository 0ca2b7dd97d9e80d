"""Sample renditions and PDF reading helpers shared by the render tests."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import StreamObject

from qms.render.data import DocumentRendition, HistoryEntry, SignatureLine

PROCEDURE_VI = """\
# 1. Mục đích

Quy định cách soạn thảo, xem xét, phê duyệt, ban hành và kiểm soát tài liệu của Hệ thống
quản lý chất lượng (HTQLCL) tại Bộ phận Một cửa.

# 2. Phạm vi áp dụng

- Áp dụng cho mọi tài liệu nội bộ của HTQLCL.
- Không áp dụng cho văn bản hành chính thông thường.

# 3. Nội dung quy trình

1. Đơn vị có nhu cầu lập Phiếu yêu cầu sửa đổi tài liệu (BM-01-02).
2. Đại diện lãnh đạo xem xét đề nghị.
3. Người phê duyệt phê duyệt ban hành và quyết định ngày hiệu lực.

## 3.1 Bảng trách nhiệm

| Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu |
|:---:|---|---|---|---|
| 1 | Lập đề nghị sửa đổi tài liệu | Trưởng đơn vị | 05 ngày làm việc | BM-01-02 |
| 2 | Xem xét nội dung | Người xem xét | 03 ngày làm việc | Ý kiến xem xét |
| 3 | Phê duyệt ban hành | Người phê duyệt | 02 ngày làm việc | Tài liệu có chữ ký điện tử |

# 4. Hồ sơ cần lưu

| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |
|---|---|---|---|
| 1 | Phiếu yêu cầu sửa đổi tài liệu | Văn phòng | 05 năm |
"""

PROCEDURE_EN = """\
# 1. Purpose

Defines how documents of the quality management system are drafted and approved.

| Step | Task | Responsible | Time limit |
|---|---|---|---|
| 1 | Request a change | Head of unit | 5 working days |
"""


def make_rendition(**changes: object) -> DocumentRendition:
    """A small Vietnamese procedure; keyword arguments replace fields."""
    values: dict[str, object] = {
        "organisation": "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        "code": "QT-01",
        "title": "Quy trình kiểm soát tài liệu",
        "doc_type": "procedure",
        "department": "Văn phòng HĐND và UBND quận",
        "language": "vi",
        "issue": 2,
        "status": "effective",
        "effective_date": date(2025, 3, 1),
        "body_markdown": PROCEDURE_VI,
        "content_hash": "ab" * 32,
        "signatures": (
            SignatureLine(
                "drafted", "Lê Thị Minh Thư", "Thư ký ISO", datetime(2025, 2, 10, 2, 15), True
            ),
            SignatureLine(
                "reviewed", "Phạm Văn Hùng", "Chánh Văn phòng", datetime(2025, 2, 12, 8, 0), True
            ),
            SignatureLine(
                "approved",
                "Nguyễn Đức Quang",
                "Chủ tịch UBND quận",
                datetime(2025, 2, 20, 17, 30),
                True,
            ),
        ),
        "history": (
            HistoryEntry(1, date(2023, 6, 1), "Ban hành lần đầu", "Ban hành lần đầu"),
            HistoryEntry(2, date(2025, 3, 1), "Chuyển sang hệ thống điện tử", "Sửa mục 3"),
        ),
        "author": "Lê Thị Minh Thư",
    }
    values.update(changes)
    return DocumentRendition(**values)  # type: ignore[arg-type]


def make_english(**changes: object) -> DocumentRendition:
    values: dict[str, object] = {
        "organisation": "Hong Ha District People's Committee",
        "code": "EN-QP-01",
        "title": "Document control procedure",
        "language": "en",
        "body_markdown": PROCEDURE_EN,
        "department": "Office",
        "signatures": (
            SignatureLine("drafted", "Emma Clarke", "Consultant", datetime(2025, 1, 2, 3, 4), True),
        ),
        "history": (HistoryEntry(1, date(2025, 1, 6), "First issue", "First issue"),),
        "author": "Emma Clarke",
    }
    values.update(changes)
    return make_rendition(**values)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Extracted text of each page, runs of whitespace (line breaks too) made one space."""
    return [" ".join(page.extract_text().split()) for page in reader(pdf).pages]


def all_streams(pdf: bytes) -> list[bytes]:
    """Every stream of the file after decoding its filters (Flate and the like)."""
    found: list[bytes] = []
    pdf_reader = reader(pdf)
    for number in range(1, pdf_reader.trailer["/Size"]):
        obj = pdf_reader.get_object(number)
        if isinstance(obj, StreamObject):
            found.append(obj.get_data())
    return found


def render_with_unknown_css() -> bytes:
    """Run in a worker by the tests: WeasyPrint warns about the unknown property."""
    from qms.render.pdf import html_to_pdf

    html = '<p style="qms-unknown-property: 1">x</p>'
    return html_to_pdf(html, fetcher=None, identifier=b"warn")


def raise_nothing() -> bytes:
    return b"ready"


def raise_render_error() -> bytes:
    from qms.render import RenderError

    raise RenderError("asset 'x.css' is missing")


def crash_hard() -> bytes:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGSEGV)
    return b""


def joined(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def squeezed(text: str) -> str:
    """Without any whitespace: table cells wrap long strings at arbitrary places."""
    return "".join(text.split())


def run_out_of_memory() -> bytes:
    raise MemoryError


def recurse_too_deep() -> bytes:
    raise RecursionError("maximum recursion depth exceeded")


def fail_unexpectedly() -> bytes:
    raise ValueError("bad table width")


def exit_early() -> bytes:
    import os

    os._exit(3)


def stray_ink(pdf: bytes, *, right_margin_mm: float = 15, edge_mm: float = 5) -> list[str]:
    """Where a page has ink it must not have: one entry per page and place.

    Text too wide for its box crosses the right margin on its way off the page, and a
    header too tall for the top margin reaches the top edge, so either leaves ink in a
    strip that the layout keeps blank. Pages are rasterised by pdftoppm (poppler-utils).
    """
    dpi = 50
    px_per_mm = dpi / 25.4
    found: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", str(source), str(Path(folder) / "page")],
            check=True,
        )
        images = sorted(Path(folder).glob("page-*.pgm"), key=lambda p: int(p.stem.split("-")[1]))
        for number, image in enumerate(images, start=1):
            width, height, pixels = _read_pgm(image.read_bytes())
            edge = round(edge_mm * px_per_mm)
            # The right margin less 1.5 mm for borders drawn on the content edge.
            margin = round((right_margin_mm - 1.5) * px_per_mm)
            strips = {
                "top edge": (0, width, 0, edge),
                "bottom edge": (0, width, height - edge, height),
                "left edge": (0, edge, 0, height),
                "right margin": (width - margin, width, 0, height),
            }
            for place, (x0, x1, y0, y1) in strips.items():
                rows = (pixels[y * width + x0 : y * width + x1] for y in range(y0, y1))
                if min(min(row) for row in rows) < INK_LEVEL:
                    found.append(f"page {number}: {place}")
    return found


INK_LEVEL = 192  # grey level (0 black, 255 white) below which a pixel counts as ink


def _read_pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary PGM ("P5", 8 bits) as pdftoppm writes it."""
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header is not None
    return int(header[1]), int(header[2]), data[header.end() :]
