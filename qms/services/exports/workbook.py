"""XLSX workbooks built from plain rows: one sheet per table, its header row bold and
frozen, columns sized, dates stored as dates and numbers as numbers (so a reader can sort,
filter and sum them), headers in the reader's language. Written in openpyxl's write-only
mode, so a table of any length streams through in constant memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from qms.i18n import Message, pmsg, translate
from qms.render import table_files


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    YES_NO = "yes_no"


FORMATS = {
    Kind.DATE: table_files.DATE_FORMAT,
    Kind.DATETIME: "dd/mm/yyyy hh:mm",
}
WIDTHS = {
    Kind.TEXT: 24,
    Kind.INTEGER: 11,
    Kind.NUMBER: 11,
    Kind.DATE: 12,
    Kind.DATETIME: 17,
    Kind.YES_NO: 9,
}
YES, NO = pmsg("Spreadsheet", "Yes"), pmsg("Spreadsheet", "No")


@dataclass(frozen=True)
class Column:
    header: Message
    kind: Kind = Kind.TEXT
    width: int | None = None


@dataclass(frozen=True)
class Sheet:
    title: Message
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def build(sheets: Sequence[Sheet], *, language: str) -> bytes:
    """The XLSX file of ``sheets``, headers and sheet names in ``language``."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    words = {YES: translate(YES, language), NO: translate(NO, language)}
    for sheet in sheets:
        ws = table_files.new_sheet(
            book,
            translate(sheet.title, language),
            [translate(column.header, language) for column in sheet.columns],
            [column.width or WIDTHS[column.kind] for column in sheet.columns],
        )
        for row in sheet.rows:
            ws.append(
                [
                    _cell(ws, value, column, words)
                    for value, column in zip(row, sheet.columns, strict=True)
                ]
            )
    return table_files.workbook_bytes(book)


def _cell(ws: Any, value: Any, column: Column, words: dict[Message, str]) -> Any:
    """A plain value where openpyxl stores it as it is (the cheap path for long tables);
    a styled cell for dates, and for text that a spreadsheet would take for a formula."""
    if value is None or value == "":
        return None
    if column.kind == Kind.YES_NO:
        return words[YES] if value else words[NO]
    if column.kind == Kind.TEXT:
        return table_files.text_cell(ws, str(value))
    if column.kind == Kind.INTEGER:
        return int(value)
    if column.kind == Kind.NUMBER:
        return float(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None) if column.kind == Kind.DATETIME else value.date()
    return table_files.formatted_cell(ws, value, FORMATS[column.kind])
