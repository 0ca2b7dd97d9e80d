"""The annex of a controlled document that lists its approved quality objectives: plain
data in, text escaped, and a list too long for the document's tables refused before
WeasyPrint."""

import pytest

from qms.render.data import ListedObjective
from qms.render.errors import RenderLimitError
from qms.render.limits import InputLimits
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import build_document_input, prepare

from .helpers import make_rendition

ASSETS = pdf_assets_dir()


def listed(n: int = 1, **changes: object) -> ListedObjective:
    fields: dict[str, object] = {
        "ref": f"MT-2026-{n:02d}",
        "version": 2,
        "indicator": "Hồ sơ TTHC được giải quyết đúng hạn",
        "target": 98.5,
        "direction": "at_least",
        "unit": "%",
        "frequency": "quarterly",
        "owner": "Phạm Văn Hùng",
        "department": "",
        **changes,
    }
    return ListedObjective(**fields)  # type: ignore[arg-type]


def test_the_annex_lists_each_objective_in_the_documents_language() -> None:
    doc = make_rendition(
        objectives=(listed(), listed(2, direction="at_most", target=0, unit="trường hợp",
                                     frequency="half_yearly", department="Phòng Tư pháp")),
    )  # fmt: skip
    html = build_document_input(doc, assets_dir=ASSETS).html
    annex = html[html.index('class="annex"') : html.index('class="history"')]
    assert "Phụ lục: Mục tiêu chất lượng đã phê duyệt" in annex
    assert annex.count("<tr>") == 3  # the heading and two objectives
    for text in ("MT-2026-01", "Phiên bản 2", "≥ 98,5 %", "Hằng quý", "Toàn cơ quan"):
        assert text in annex
    for text in ("≤ 0 trường hợp", "6 tháng", "Phòng Tư pháp"):
        assert text in annex
    # A document without objectives has no annex at all.
    assert 'class="annex"' not in build_document_input(make_rendition(), assets_dir=ASSETS).html


def test_markup_in_an_indicator_is_printed_as_text() -> None:
    hostile = '<b>Hồ sơ</b> <img src="http://example.com/x.png"> & đúng hạn'
    doc = make_rendition(objectives=(listed(indicator=hostile, owner="<i>Hùng</i>"),))
    html = build_document_input(doc, assets_dir=ASSETS).html
    assert (
        "&lt;b&gt;Hồ sơ&lt;/b&gt; &lt;img src=&#34;http://example.com/x.png&#34;&gt; &amp;" in html
    )
    assert "&lt;i&gt;Hùng&lt;/i&gt;" in html
    assert "<b>Hồ sơ" not in html
    assert "<img" not in html
    assert "<i>" not in html


def test_an_annex_past_the_cap_on_table_cells_is_refused_before_rendering() -> None:
    limits = InputLimits(max_table_cells=6 * 10)
    nine = make_rendition(objectives=tuple(listed(n) for n in range(1, 10)))
    prepare(nine, limits=limits)
    ten = make_rendition(objectives=tuple(listed(n) for n in range(1, 11)))
    with pytest.raises(RenderLimitError, match="lists 10 objectives"):
        prepare(ten, limits=limits)
