"""A table of plain values as a file a spreadsheet opens: CSV (UTF-8 with a byte order
mark, so Excel reads Vietnamese letters) or XLSX (written row by row, openpyxl's
write-only mode, so a long register never sits in memory as a workbook)."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

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

    book = Workbook(write_only=True)
    page = new_sheet(book, sheet, headers)
    for row in rows:
        page.append(
            [
                formatted_cell(page, value, DATE_FORMAT)
                if isinstance(value, date)
                else text_cell(page, value)
                if isinstance(value, str)
                else value
                for value in row
            ]
        )
    return workbook_bytes(book)


# The pieces every workbook of ours is made of (the register here, the measurement tables
# in the services): a sheet in openpyxl's write-only mode, its header row bold and frozen.

DATE_FORMAT = "dd/mm/yyyy"


def new_sheet(book: Any, title: str, headers: Sequence[str], widths: Sequence[float] = ()) -> Any:
    """A sheet of ``book`` named ``title`` (as far as Excel allows), its columns
    ``widths`` wide, with the row of ``headers`` in bold that stays in view on scrolling."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    page = book.create_sheet(_sheet_name(title))
    for number, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(number)].width = width
    page.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for name in headers:
        cell = WriteOnlyCell(page, value=name)
        cell.font = bold
        heading.append(cell)
    page.append(heading)
    return page


def text_cell(page: Any, text: str) -> Any:
    """``text`` as it is, or as a cell typed as text where a spreadsheet would take it for
    a formula."""
    from openpyxl.cell import WriteOnlyCell

    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(page, value=text)
    cell.data_type = "s"  # a string, never a formula
    return cell


def formatted_cell(page: Any, value: Any, number_format: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(page, value=value)
    cell.number_format = number_format
    return cell


def workbook_bytes(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31]
