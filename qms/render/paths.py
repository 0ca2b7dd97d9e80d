"""Where the shipped templates live: inside an installed wheel or next to the package."""

from __future__ import annotations

from pathlib import Path

import qms


def templates_dir() -> Path:
    """Return the top-level ``templates`` folder.

    An installed wheel carries it as ``qms/_shipped/templates``; a source checkout
    keeps it at the repository root, beside the ``qms`` package.
    """
    package = Path(qms.__file__).resolve().parent
    shipped = package / "_shipped" / "templates"
    if shipped.is_dir():
        return shipped
    return package.parent / "templates"


def pdf_assets_dir() -> Path:
    """Templates, stylesheets and images used for controlled PDFs."""
    return templates_dir() / "pdf"
