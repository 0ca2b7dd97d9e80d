"""Form fields the pages read the same way: comma lists and years."""

from qms.errors import ValidationError


def split_list(value: str) -> list[str]:
    """``"TP, MC"`` -> ``["TP", "MC"]``: the comma lists of the CLI, typed in a form."""
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


def year_or_none(value: str) -> int | None:
    """A year from a filter form: empty means any year."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ValidationError("{value!r} is not a year (2000-2100)", value=value)
    return int(value)
