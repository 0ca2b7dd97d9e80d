"""Charts as SVG: the data points are in the drawing, nothing in it runs or fetches, the
same data gives the same bytes, and a chart embedded in a page prints with WeasyPrint."""

import base64
from typing import Any

from lxml import etree

from qms.render import charts
from qms.render.fetcher import SafeFetcher
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import html_to_pdf
from tests.render.helpers import joined

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def parse(svg: str) -> Any:
    root = etree.fromstring(svg.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == f"{SVG}svg"
    return root


def inert(root: Any) -> None:
    """No script, no foreign content, no event handler, no link anywhere."""
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}a")
        for name in element.attrib:
            local = name.rsplit("}", 1)[-1]
            assert not local.startswith("on"), (element.tag, name)
            assert local != "href", (element.tag, name)


def values(root: Any, serie: int = 0) -> list[str]:
    """The values drawn for one series, in order."""
    groups = [g for g in root.iter(f"{SVG}g") if f"serie-{serie}" in (g.get("class") or "").split()]
    return [
        d.text or ""
        for group in groups
        for d in group.iter(f"{SVG}desc")
        if d.get("class") == "value"
    ]


def texts(root: Any) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def objective() -> str:
    return charts.objective_chart(
        title="Tỷ lệ hồ sơ giải quyết đúng hạn",
        periods=QUARTERS,
        values=[97.5, 98.2, 99.1, None],
        target=98,
        result_label="Kết quả",
        target_label="Mục tiêu",
    )


def test_an_objective_is_drawn_against_its_target_and_runs_nothing() -> None:
    svg = objective()
    root = parse(svg)
    inert(root)
    assert "<script" not in svg
    assert "javascript:" not in svg
    assert values(root) == ["97.5", "98.2", "99.1"]  # the fourth period is not measured yet
    assert values(root, 1) == ["98"] * 4  # the target, in each period
    assert {"Tỷ lệ hồ sơ giải quyết đúng hạn", "Kết quả", "Mục tiêu", *QUARTERS} <= set(texts(root))
    assert svg == objective()  # deterministic: no random ids, no date


def test_rates_per_field_and_satisfaction_per_quarter() -> None:
    fields = ["Tư pháp - Hộ tịch", "Đất đai", "Xây dựng"]
    root = parse(
        charts.rate_chart(
            title="Tỷ lệ đúng hạn theo lĩnh vực",
            labels=fields,
            rates=[99.4, 95.1, 100.0],
            rate_label="Đúng hạn (%)",
            target=98,
            target_label="Mục tiêu",
        )
    )
    inert(root)
    assert values(root) == ["99.4", "95.1", "100"]
    assert values(root, 1) == ["98"] * 3
    assert set(fields) <= set(texts(root))
    root = parse(
        charts.quarter_chart(
            title="Mức độ hài lòng theo quý",
            quarters=QUARTERS[:3],
            rates=[91.0, 93.5, 96.25],
            rate_label="Hài lòng (%)",
        )
    )
    inert(root)
    assert values(root) == ["91", "93.5", "96.25"]
    assert set(QUARTERS[:3]) <= set(texts(root))


def test_the_risk_matrix_colours_each_cell_by_level_and_names_its_risks() -> None:
    cells = [
        charts.Cell(likelihood, impact, "high" if likelihood * impact >= 12 else "low", [])
        for likelihood in range(1, 6)
        for impact in range(1, 6)
    ]
    cells[-1] = charts.Cell(5, 5, "high", ["RR-001", "RR-004"])
    cells[0] = charts.Cell(1, 1, "low", ["RR-<b>&"])
    svg = charts.risk_matrix(
        title="Ma trận rủi ro",
        cells=cells,
        likelihood_top=5,
        impact_top=5,
        likelihood_label="Khả năng xảy ra",
        impact_label="Mức độ ảnh hưởng",
    )
    root = parse(svg)
    inert(root)
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 25
    assert sum(r.get("class") == "level-high" for r in rects) == 8
    assert {"RR-001", "RR-004", "RR-<b>&", "Khả năng xảy ra", "Mức độ ảnh hưởng"} <= set(
        texts(root)
    )
    assert "RR-<b>" not in svg  # the data is escaped, not markup


def test_a_chart_in_a_page_prints_with_weasyprint() -> None:
    svg = objective()
    assert base64.b64decode(charts.data_uri(svg).split(",", 1)[1]).decode() == svg
    fetcher = SafeFetcher(
        assets_dir=pdf_assets_dir(),
        generated={"objective.svg": (svg.encode(), "image/svg+xml")},
    )
    pdf = html_to_pdf(
        '<html lang="vi"><body><p>Báo cáo quý</p>'
        '<img src="qms-gen:objective.svg" style="width: 16cm"></body></html>',
        fetcher=fetcher,
        identifier=b"charts-test",
    )
    text = joined(pdf)
    assert "Báo cáo quý" in text
    for words in ("Tỷ lệ hồ sơ giải quyết đúng hạn", "2026-Q3", "Mục tiêu", "99.1"):
        assert words in text
