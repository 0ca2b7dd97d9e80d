"""Imported once by the render forkserver so that every forked worker starts warm.

Here WeasyPrint and the render modules are imported, a controlled document's
input is built once (Markdown, sanitiser, templates) and one small contents
page is laid out, which initialises Pango and fontconfig and loads the fonts;
each worker forked afterwards inherits all of that instead of paying for it
again on every render. The contents page is the lightest full render: a
command that only needs a manual's contents is not kept waiting for the
layout of a whole sample document.
"""

from __future__ import annotations

import gc
from datetime import date


def _warm_up() -> None:
    from qms.render.libraries import import_weasyprint

    import_weasyprint()
    from qms.render import capa_records, records, trail  # noqa: F401  (for the workers)
    from qms.render.data import DocumentRendition
    from qms.render.manual import ContentsRow, FrontMatter, render_front_matter
    from qms.render.paths import pdf_assets_dir
    from qms.render.pdf import build_document_input

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
    contents = FrontMatter(
        organisation=sample.organisation,
        title=sample.title,
        language="vi",
        compiled_on="01/01/2000",
        compiled_iso="2000-01-01",
        rows=(ContentsRow(sample.code, sample.title, "01", 2),),
        identifier=b"0" * 32,
        cover=False,
    )
    try:
        build_document_input(sample, assets_dir=pdf_assets_dir())
        render_front_matter(contents)
    except Exception:  # a broken set-up is reported by the real render instead
        return


gc.disable()  # imports and one render make many objects and little garbage
_warm_up()
gc.freeze()
gc.enable()
