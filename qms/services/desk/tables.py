"""Reading an imported file as a header and rows: CSV (UTF-8, comma, semicolon or tab
separated) or the first sheet of an XLSX workbook, read in openpyxl's read-only mode."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qms.errors import ValidationError
from qms.services import zipsize
from qms.text import clean

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """The header's names (cleaned) and the data rows with their row numbers in the file
    (the header is row 1); blank rows are skipped."""

    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]


EXPANSION_FACTOR = 20  # an XLSX may unpack to this many times the import limit


def check_size(data: bytes, *, filename: str, limit: int) -> None:
    """Refuse an oversized file before anything parses it: the file as sent and, for an
    XLSX (a zip), what its parts unpack to, so a zip bomb never reaches openpyxl."""
    if len(data) > limit:
        raise ValidationError(
            "{file} is larger than {limit:,} bytes: split it, or raise the import limit",
            file=filename,
            limit=limit,
        )
    if _is_zip(data):
        _check_unpacked(data, filename, limit * EXPANSION_FACTOR)


def _check_unpacked(data: bytes, filename: str, limit: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            zipsize.check_expansion(archive, limit=limit)
    except zipsize.TooLarge:
        raise ValidationError(
            "{file} unpacks to more than {limit:,} bytes: split it, or raise the import limit",
            file=filename,
            limit=limit,
        ) from None
    except (zipfile.BadZipFile, zipsize.Damaged):
        raise _unreadable(filename, "BadZipFile") from None


def _is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def read(data: bytes, *, filename: str) -> Table:
    if _is_zip(data):
        return _xlsx(data, filename)
    return _csv(data, filename)


def _csv(data: bytes, filename: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "{file} is neither an XLSX workbook nor UTF-8 text (byte {offset})",
            file=filename,
            offset=exc.start,
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise ValidationError("{file} is empty", file=filename)

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield number, list(row)

    return Table([clean(h) for h in header], rows())


def _xlsx(data: bytes, filename: str) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or disguised file: one refusal, no traceback
        raise _unreadable(filename, type(exc).__name__) from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None:
        book.close()
        raise ValidationError("{file} is empty", file=filename)
    width = len(header)
    while width and header[width - 1] in (None, ""):
        width -= 1

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for number, row in enumerate(values, start=2):
                cells = [_cell(v) for v in row]
                if any(c not in (None, "") for c in cells):
                    yield number, cells
        finally:
            book.close()

    return Table([clean(str(h or "")) for h in header[:width]], rows())


def _unreadable(filename: str, reason: str) -> ValidationError:
    return ValidationError(
        "{file} cannot be read as an XLSX workbook ({reason})", file=filename, reason=reason
    )


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)
