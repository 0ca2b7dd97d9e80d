"""Imported once by the render forkserver so that every forked worker starts warm.

Rendering one small controlled document here imports WeasyPrint and the render
modules, initialises Pango and fontconfig, compiles the templates and loads
the fonts; each worker forked afterwards inherits all of that instead of
paying for it again on every render.
"""

from __future__ import annotations

import gc
from datetime import date


def _warm_up() -> None:
    from qms.render import capa_records, manual, records, trail  # noqa: F401  (for the workers)
    from qms.render.data import DocumentRendition
    from qms.render.pdf import render_document

    sample = DocumentRendition(
        organisation="Cơ quan",
        code="WARM-UP",
        title="Khởi động",
        doc_type="procedure",
        department="",
        language="vi",
        issue=1,
        status="draft",
        effective_date=date(2000, 1, 1),
        body_markdown="# Mục đích\n\n*Tiếng Việt* **đậm**\n\n| A | B |\n|---|---|\n| 1 | 2 |\n",
        content_hash="0" * 64,
        signatures=(),
        history=(),
    )
    try:
        render_document(sample)
    except Exception:  # a broken set-up is reported by the real render instead
        return


_warm_up()
gc.freeze()
