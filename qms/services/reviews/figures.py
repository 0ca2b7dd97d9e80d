"""The values in a review's pack: frozen raw (a count as a number, a rate, a share, a day
or an objective's target and result as a small object) and written the reader's way only
when shown, so one frozen pack reads 92,5 % in Vietnamese and 92.5% in English.

Packs frozen before values were kept raw hold text; it is shown as it was frozen (their
hash is over that text)."""

from datetime import date
from typing import Any

from qms.errors import Text
from qms.i18n import in_language, number_format
from qms.phrases import day as day_phrase

Cell = str | int | float | dict[str, Any] | None

NO_VALUE = "—"


def rate(part: int, whole: int) -> dict[str, Any]:
    """``part`` of ``whole`` in percent to one decimal (None without a whole)."""
    return {"rate": round(100 * part / whole, 1) if whole else None}


def share(part: int, whole: int) -> dict[str, Any]:
    """``part`` out of ``whole``: 3/4."""
    return {"of": [part, whole]}


def day(value: date) -> dict[str, Any]:
    return {"day": value.isoformat()}


def target(direction: str, value: float, unit: str) -> dict[str, Any]:
    """An objective's target: at least / at most ``value`` ``unit``."""
    return {"target": value, "direction": direction, "unit": unit}


def result(value: float, period: str) -> dict[str, Any]:
    """A result measured in ``period``."""
    return {"result": value, "period": period}


def shown(cell: Cell, language: str) -> str:
    """``cell`` as the reader of ``language`` writes it."""
    if cell is None:
        return NO_VALUE
    if isinstance(cell, str):
        return cell
    number = number_format(language)
    if isinstance(cell, int | float):
        return number(cell)
    if "rate" in cell:
        return _percent(cell["rate"], language)
    if "of" in cell:
        part, whole = cell["of"]
        return f"{number(part)}/{number(whole)}"
    if "day" in cell:
        return in_language(day_phrase(date.fromisoformat(cell["day"])), language)
    if "target" in cell:
        sign = "≥" if cell["direction"] == "at_least" else "≤"
        if cell["unit"] == "%":
            return f"{sign} {_percent(cell['target'], language)}"
        return f"{sign} {number(cell['target'])} {cell['unit']}".strip()
    if "result" in cell:
        return f"{number(cell['result'])} ({cell['period']})"
    return str(cell)


def _percent(value: float | None, language: str) -> str:
    if value is None:
        return NO_VALUE
    return in_language(Text("{rate:,}%", rate=value), language)


def shown_rows(rows: list[list[Cell]], language: str) -> list[list[str]]:
    """Every cell of a pack's figures or table rows, shown."""
    return [[shown(cell, language) for cell in row] for row in rows]
