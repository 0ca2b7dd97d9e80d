"""Charts drawn on the server as SVG, from plain data, for web pages and PDFs alike:
an objective's results against its target, a rate per field, satisfaction per quarter,
and the risk matrix.

The line and bar charts come from pygal; the matrix, a grid of coloured cells, is a few
lines of SVG written here. Every chart leaves this module *inert*: pygal's scripts, event
handlers and links are taken out, so the SVG runs nothing in a browser (shown through
``<img>``, as :func:`data_uri` gives it, it also obeys a CSP without inline styles) and
fetches nothing in WeasyPrint. Output is deterministic: the same data gives the same
bytes, so a PDF holding a chart can be reproduced.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from qms.i18n import Message, pmsg, translate_all

if TYPE_CHECKING:
    import pygal

SVG_NS = "http://www.w3.org/2000/svg"
FONT = '"Liberation Sans", sans-serif'
WIDTH, HEIGHT = 720, 360
RESULT_COLOUR, TARGET_COLOUR = "#1f5f99", "#b03a2e"
LEVEL_COLOURS = {"low": "#cfe8cf", "medium": "#fbe3a4", "high": "#f2b8b0"}
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CHART_ID = "qms-chart"
# The words charts print, looked up in the reader's language.
LABELS: dict[str, Message] = {
    "result": pmsg("Chart", "Result"),
    "target": pmsg("Chart", "Target"),
    "risk_matrix": pmsg("Chart", "Risks by likelihood and impact"),
    "likelihood": pmsg("Chart", "Likelihood"),
    "impact": pmsg("Chart", "Impact"),
    "on_time_rate": pmsg("Chart", "Dossiers resolved on time (%)"),
    "satisfaction_rate": pmsg("Chart", "Satisfied citizens (%)"),
    "objectives_met": pmsg("Chart", "Quality objectives met per quarter (%)"),
    "objectives_met_rate": pmsg("Chart", "Results meeting the target (%)"),
}


def chart_labels(language: str) -> dict[str, str]:
    return translate_all(LABELS, language)


@dataclass(frozen=True)
class Cell:
    """One cell of the risk matrix: its coordinates, level and the refs assessed in it."""

    likelihood: int
    impact: int
    level: str
    refs: Sequence[str]


def objective_chart(
    *,
    title: str,
    periods: Sequence[str],
    values: Sequence[float | None],
    target: float,
    result_label: str,
    target_label: str,
) -> str:
    """One objective's results over its periods (None: not measured yet) against its
    target, drawn as a line through the results and a flat line at the target."""
    chart = _pygal_chart("Line", title=title, colours=(RESULT_COLOUR, TARGET_COLOUR))
    chart.x_labels = list(periods)
    chart.add(result_label, list(values))
    chart.add(target_label, [target] * len(periods), dots_size=2, stroke_style={"dasharray": "6,4"})
    return _inert(chart)


def rate_chart(
    *,
    title: str,
    labels: Sequence[str],
    rates: Sequence[float],
    rate_label: str,
    target: float | None = None,
    target_label: str = "",
) -> str:
    """A rate (percent) per field, procedure or department, as horizontal bars, with the
    target as a second bar series when there is one."""
    chart = _pygal_chart(
        "HorizontalBar", title=title, colours=(RESULT_COLOUR, TARGET_COLOUR), range=(0, 100)
    )
    chart.x_labels = list(labels)
    chart.add(rate_label, list(rates))
    if target is not None:
        chart.add(target_label, [target] * len(labels))
    return _inert(chart)


def quarter_chart(
    *,
    title: str,
    quarters: Sequence[str],
    rates: Sequence[float | None],
    rate_label: str,
    target: float | None = None,
    target_label: str = "",
) -> str:
    """Satisfaction (or any rate) per quarter, as bars, with the target as a line."""
    chart = _pygal_chart("Bar", title=title, colours=(RESULT_COLOUR, TARGET_COLOUR), range=(0, 100))
    chart.x_labels = list(quarters)
    chart.add(rate_label, list(rates))
    if target is not None:
        chart.add(target_label, [target] * len(quarters), secondary=False)
    return _inert(chart)


def risk_matrix(
    *,
    title: str,
    cells: Sequence[Cell],
    likelihood_top: int,
    impact_top: int,
    likelihood_label: str,
    impact_label: str,
) -> str:
    """The likelihood x impact grid, each cell coloured by its level and naming the risks
    assessed in it; likelihood rises upwards, impact to the right."""
    size, left, top = 64, 70, 46
    width = left + impact_top * size + 20
    height = top + likelihood_top * size + 50
    svg = etree.Element(
        f"{{{SVG_NS}}}svg",
        {"viewBox": f"0 0 {width} {height}", "width": str(width), "height": str(height)},
        nsmap={None: SVG_NS},
    )
    _text(svg, title, x=width / 2, y=24, size=15, weight="bold")
    by_place = {(c.likelihood, c.impact): c for c in cells}
    for likelihood in range(1, likelihood_top + 1):
        y = top + (likelihood_top - likelihood) * size
        _text(svg, str(likelihood), x=left - 12, y=y + size / 2 + 4, size=12)
        for impact in range(1, impact_top + 1):
            x = left + (impact - 1) * size
            cell = by_place.get((likelihood, impact))
            level = cell.level if cell else "low"
            etree.SubElement(
                svg,
                f"{{{SVG_NS}}}rect",
                {
                    "x": str(x),
                    "y": str(y),
                    "width": str(size),
                    "height": str(size),
                    "fill": LEVEL_COLOURS.get(level, "#ffffff"),
                    "stroke": "#555555",
                    "class": f"level-{level}",
                },
            )
            for line, ref in enumerate(cell.refs[:4] if cell else ()):
                _text(svg, ref, x=x + size / 2, y=y + 16 + line * 13, size=10)
            if cell and len(cell.refs) > 4:
                _text(svg, f"+{len(cell.refs) - 4}", x=x + size / 2, y=y + size - 4, size=10)
    base = top + likelihood_top * size
    for impact in range(1, impact_top + 1):
        _text(svg, str(impact), x=left + (impact - 0.5) * size, y=base + 16, size=12)
    _text(svg, impact_label, x=left + impact_top * size / 2, y=base + 38, size=12)
    label = _text(svg, likelihood_label, x=18, y=top + likelihood_top * size / 2, size=12)
    label.set("transform", f"rotate(-90 18 {top + likelihood_top * size / 2})")
    return str(etree.tostring(svg, encoding="unicode"))


def data_uri(svg: str) -> str:
    """The chart as a ``data:`` URL for ``<img src>``: shown as an image, an SVG runs no
    script and its styles need no exception in the page's CSP."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _pygal_chart(kind: str, *, title: str, colours: Sequence[str], **options: Any) -> pygal.Graph:
    import pygal
    from pygal.style import Style

    style = Style(
        font_family=FONT,
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#222222",
        foreground_strong="#222222",
        foreground_subtle="#888888",
        colors=tuple(colours),
        opacity="0.85",
        opacity_hover="0.85",
        transition="none",
    )
    chart_class = getattr(pygal, kind)
    chart: pygal.Graph = chart_class(
        style=style,
        title=title,
        width=WIDTH,
        height=HEIGHT,
        js=[],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        print_values=False,
        show_legend=True,
        truncate_label=-1,
        **options,
    )
    return chart


def _inert(chart: pygal.Graph) -> str:
    """pygal's SVG with its script, event handlers and links taken out and its random id
    made fixed."""
    svg = _UUID_RE.sub(_CHART_ID, chart.render(is_unicode=True))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(svg.encode("utf-8"), parser)
    _strip(root)
    return str(etree.tostring(root, encoding="unicode"))


def _strip(element: Any) -> None:
    for child in list(element):
        if child.tag in (f"{{{SVG_NS}}}script", f"{{{SVG_NS}}}foreignObject"):
            element.remove(child)
        elif child.tag == f"{{{SVG_NS}}}a":
            # A tooltip link: keep what it draws, lose the link.
            index = list(element).index(child)
            element.remove(child)
            for offset, grandchild in enumerate(list(child)):
                element.insert(index + offset, grandchild)
            _strip(element)
            return
        else:
            _strip(child)
    for name in list(element.attrib):
        local = name.rsplit("}", 1)[-1]
        if local.startswith("on") or local == "href":
            del element.attrib[name]


def _text(parent: Any, words: str, *, x: float, y: float, size: int, weight: str = "normal") -> Any:
    element = etree.SubElement(
        parent,
        f"{{{SVG_NS}}}text",
        {
            "x": f"{x:g}",
            "y": f"{y:g}",
            "font-family": FONT,
            "font-size": str(size),
            "font-weight": weight,
            "text-anchor": "middle",
            "fill": "#222222",
        },
    )
    element.text = words
    return element
