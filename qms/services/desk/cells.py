"""Checking an imported file's header and cells. Every refusal names the file, the row and
the column, and the whole file is refused: nothing of it is written."""

from collections.abc import Mapping, Sequence
from datetime import date

from qms.errors import Joined, Text, ValidationError
from qms.services.desk.mapping import key
from qms.services.desk.tables import Cell
from qms.services.objectives import periods
from qms.services.objectives.periods import Period
from qms.text import clean


def refuse(filename: str, row: int, column: str, problem: Text) -> ValidationError:
    return ValidationError(
        "{file}, row {row}, column {column}: {problem}",
        file=filename,
        row=str(row),
        column=column,
        problem=problem,
    )


def locate(
    headers: Sequence[str],
    columns: Mapping[str, str],
    *,
    filename: str,
    optional: Sequence[str] = (),
    extra: Sequence[str] = (),
) -> tuple[dict[str, int], dict[str, int]]:
    """Where each mapped column is: ``(figure -> position, extra header -> position)``.
    A column the mapping does not know, a repeated one and a missing required one are
    refused by name."""
    wanted = {key(header): name for name, header in columns.items()}
    extras = {key(header): header for header in extra}
    found: dict[str, int] = {}
    found_extra: dict[str, int] = {}
    for position, header in enumerate(headers):
        k = key(header)
        if not k:
            raise ValidationError(
                "{file}, row 1: column {number} has no header",
                file=filename,
                number=str(position + 1),
            )
        if k in wanted and wanted[k] not in found:
            found[wanted[k]] = position
        elif k in extras and extras[k] not in found_extra:
            found_extra[extras[k]] = position
        elif k in wanted or k in extras:
            raise ValidationError(
                "{file}, row 1: column {column} appears twice", file=filename, column=header
            )
        else:
            raise ValidationError(
                "{file}, row 1: unknown column {column} (known: {known})",
                file=filename,
                column=header,
                known=Joined([*columns.values(), *extra]),
            )
    missing = [columns[name] for name in columns if name not in found and name not in optional]
    if missing:
        raise ValidationError(
            "{file}: the column {column} is missing", file=filename, column=missing[0]
        )
    return found, found_extra


def check_width(cells: list[Cell], width: int, *, filename: str, row: int) -> None:
    """A value beyond the header's last column belongs to no column: refused."""
    extra = next((n for n in range(width, len(cells)) if cells[n] not in (None, "")), None)
    if extra is not None:
        raise ValidationError(
            "{file}, row {row}: a value in column {number}, which has no header",
            file=filename,
            row=str(row),
            number=str(extra + 1),
        )


def text_cell(cells: list[Cell], position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    value = cells[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value)) if value is not None else ""


def count(cells: list[Cell], position: int, *, filename: str, row: int, column: str) -> int:
    """A whole number of dossiers or answers, 0 or more."""
    value = cells[position] if position < len(cells) else None
    if isinstance(value, bool):
        value = None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        raw = clean(value)
        if not raw:
            value = None
        elif raw.lstrip("-").isascii() and raw.lstrip("-").isdigit():
            value = int(raw)
        else:
            raise refuse(filename, row, column, Text("{value!r} is not a whole number", value=raw))
    if value is None:
        raise refuse(filename, row, column, Text("the count is missing"))
    if not isinstance(value, int):
        raise refuse(
            filename, row, column, Text("{value!r} is not a whole number", value=str(value))
        )
    if value < 0:
        raise refuse(filename, row, column, Text("the count {value} is negative", value=str(value)))
    return value


def period(
    cells: list[Cell],
    position: int,
    *,
    filename: str,
    row: int,
    column: str,
    today: date,
    months_only: bool,
) -> Period:
    """A month (``2026-03``; ``03/2026`` too), or for surveys also a quarter, that has begun."""
    raw = text_cell(cells, position)
    if not raw:
        raise refuse(filename, row, column, Text("the period is missing"))
    if "/" in raw and raw.count("/") == 1:
        month, _, year = raw.partition("/")
        raw = f"{year.strip()}-{month.strip().zfill(2)}"
    found = periods.parse(raw[:7] if len(raw) > 7 and raw[7:8] in ("-", " ", "T") else raw)
    if found is None or (months_only and found.months != 1) or found.months == 6:
        wanted = (
            Text("a month such as 2026-03")
            if months_only
            else Text("a month such as 2026-03 or a quarter such as 2026-Q1")
        )
        raise refuse(
            filename, row, column, Text("{value!r} is not {wanted}", value=raw, wanted=wanted)
        )
    if found.start > today:
        raise refuse(
            filename, row, column, Text("the period {period} is in the future", period=found.key)
        )
    return found
