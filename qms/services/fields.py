"""Checks on text that people type, shared by every service."""

from qms.errors import Text, ValidationError
from qms.text import clean, not_in_a_line


def one_line(value: str, *, field: Text) -> str:
    """``value`` as stored (NFC, surrounding whitespace removed), refused when it is not one
    line: a title, a name, a reason. Line breaks, tabs and other control characters would
    break the tables, headers and one-line listings that show it (multi-line fields such
    as bodies and descriptions do not come here)."""
    text = clean(value)
    found = not_in_a_line(text)
    if found is not None:
        raise ValidationError(
            "the {field} must be one line: it contains a line break, tab or other control "
            "character (U+{code})",
            field=field,
            code=f"{ord(found):04X}",
        )
    return text
