"""Where the PDF templates, stylesheets and images live."""

from pathlib import Path

from qms.paths import templates_dir


def pdf_assets_dir() -> Path:
    """Templates, stylesheets and images used for controlled PDFs."""
    return templates_dir() / "pdf"
