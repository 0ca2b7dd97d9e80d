"""Input caps checked before anything is handed to WeasyPrint, and when a body is saved."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputLimits:
    """Changing a default changes which stored bodies pass: bump
    ``markdown.CONVERTER_VERSION`` with it."""

    max_body_bytes: int = 2_000_000  # UTF-8 bytes of Markdown
    max_table_cells: int = 10_000  # all tables of one document together
    max_nesting: int = 20  # lists and block quotes inside each other
    max_inline_nesting: int = 20  # emphasis and links inside each other
    max_image_bytes: int = 20_000_000  # all images of one document together
    # Each "[" may open a link whose label the parser scans for, so the cost of a body
    # grows with their number; no real document comes near this many.
    max_brackets: int = 20_000


DEFAULT_LIMITS = InputLimits()
