"""A table of plain values as a file a spreadsheet opens: CSV (UTF-8 with a byte order
mark, so Excel reads Vietnamese letters) or XLSX (written row by row, openpyxl's
write-only mode, so a long register never sits in memory as a workbook)."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

Cell = str | int | date | None


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else _text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value: Cell) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A cell a spreadsheet would read as a formula is kept as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def xlsx_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    page = book.create_sheet(sheet[:31])
    page.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for name in headers:
        cell = WriteOnlyCell(page, value=name)
        cell.font = bold
        heading.append(cell)
    page.append(heading)
    for row in rows:
        cells: list[object] = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(page, value=value)
                cell.number_format = "dd/mm/yyyy"
                cells.append(cell)
            elif isinstance(value, str) and value[:1] == "=":
                cell = WriteOnlyCell(page, value=value)
                cell.data_type = "s"  # text, never a formula
                cells.append(cell)
            else:
                cells.append(value)
        page.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
