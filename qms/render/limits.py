"""Input caps checked before anything is handed to WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputLimits:
    max_body_bytes: int = 2_000_000  # UTF-8 bytes of Markdown
    max_table_cells: int = 10_000  # all tables of one document together
    max_nesting: int = 20  # lists and block quotes inside each other
    max_inline_nesting: int = 20  # emphasis and links inside each other
    max_image_bytes: int = 20_000_000  # all images of one document together


DEFAULT_LIMITS = InputLimits()
