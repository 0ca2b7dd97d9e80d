"""Real ``.docx`` files in the usual Vietnamese layout, made with python-docx: a header
table (organisation, title, code, issue, date), the body, the signature table and the
revision-history table."""

import io
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document as WordFile
from docx.shared import Inches


# A 1x1 red PNG, built by hand so the test needs no image library.
def png_pixel(rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(rgb))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@dataclass
class Procedure:
    code: str = "QT-01"
    title: str = "QUY TRÌNH KIỂM SOÁT TÀI LIỆU"
    issue: int = 2
    issued_on: date = date(2025, 3, 15)
    organisation: str = "UBND QUẬN HOÀN KIẾM"
    steps: list[str] = field(
        default_factory=lambda: ["Soạn thảo dự thảo", "Xem xét nội dung", "Phê duyệt và ban hành"]
    )
    signers: tuple[tuple[str, str, date], ...] = (
        ("Lê Thị Thu", "Chuyên viên", date(2025, 3, 1)),
        ("Trần Văn Bình", "Chánh Văn phòng", date(2025, 3, 5)),
        ("Nguyễn Văn An", "Chủ tịch UBND quận", date(2025, 3, 10)),
    )
    history: tuple[tuple[int, date, str], ...] = (
        (1, date(2023, 6, 1), "Ban hành lần đầu"),
        (2, date(2025, 3, 15), "Sửa mục 5.2: phân phối tài liệu trên hệ thống điện tử"),
    )
    picture: bool = False
    merged: bool = False
    header_table: bool = True


def procedure_docx(spec: Procedure | None = None) -> bytes:
    spec = spec or Procedure()
    word = WordFile()
    if spec.header_table:
        head = word.add_table(rows=1, cols=3)
        head.cell(0, 0).text = spec.organisation
        head.cell(0, 1).text = spec.title
        info = head.cell(0, 2)
        info.text = f"Mã số: {spec.code}"
        info.add_paragraph(f"Lần ban hành: {spec.issue:02d}")
        info.add_paragraph(f"Ngày ban hành: {spec.issued_on:%d/%m/%Y}")
        info.add_paragraph("Trang: 1/3")
    signatures = word.add_table(rows=4, cols=4)
    for column, label in enumerate(["", "Soạn thảo", "Xem xét", "Phê duyệt"]):
        signatures.cell(0, column).text = label
    for row, label in enumerate(["Họ và tên", "Chức vụ", "Ngày"], start=1):
        signatures.cell(row, 0).text = label
    for column, (name, position, day) in enumerate(spec.signers, start=1):
        signatures.cell(1, column).text = name
        signatures.cell(2, column).text = position
        signatures.cell(3, column).text = f"{day:%d/%m/%Y}"
    word.add_heading("1. MỤC ĐÍCH", level=1)
    word.add_paragraph("Quy định thống nhất cách soạn thảo, ban hành và kiểm soát tài liệu.")
    word.add_heading("2. PHẠM VI ÁP DỤNG", level=1)
    word.add_paragraph("Văn phòng HĐND và UBND quận", style="List Bullet")
    word.add_paragraph("Bộ phận Một cửa", style="List Bullet")
    word.add_heading("3. NỘI DUNG", level=1)
    word.add_heading("3.1 Các bước", level=2)
    for step in spec.steps:
        word.add_paragraph(step, style="List Number")
    para = word.add_paragraph("Tài liệu ")
    para.add_run("đã phê duyệt").bold = True
    para.add_run(" được ")
    para.add_run("phân phối").italic = True
    para.add_run(" trong ngày.")
    table = word.add_table(rows=3, cols=3)
    for column, label in enumerate(["Bước", "Trách nhiệm", "Hồ sơ"]):
        table.cell(0, column).text = label
    for row, (step, who, record) in enumerate(
        [("Soạn thảo", "Chuyên viên", "BM-01-01"), ("Phê duyệt", "Lãnh đạo", "BM-01-02")], start=1
    ):
        table.cell(row, 0).text = step
        table.cell(row, 1).text = who
        table.cell(row, 2).text = record
    if spec.merged:
        table.cell(1, 2).merge(table.cell(2, 2))
    if spec.picture:
        word.add_paragraph("Lưu đồ:")
        word.add_picture(io.BytesIO(png_pixel()), width=Inches(1))
    word.add_paragraph("THEO DÕI SỬA ĐỔI TÀI LIỆU")
    history = word.add_table(rows=1 + len(spec.history), cols=3)
    for column, label in enumerate(["Lần ban hành", "Ngày", "Nội dung sửa đổi"]):
        history.cell(0, column).text = label
    for row, (issue, day, change) in enumerate(spec.history, start=1):
        history.cell(row, 0).text = f"{issue:02d}"
        history.cell(row, 1).text = f"{day:%d/%m/%Y}"
        history.cell(row, 2).text = change
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def write_procedure(folder: Path, spec: Procedure | None = None, name: str | None = None) -> Path:
    spec = spec or Procedure()
    path = folder / (name or f"{spec.code}.docx")
    path.write_bytes(procedure_docx(spec))
    return path
