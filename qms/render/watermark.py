"""State watermark as an SVG page background made of glyph outlines.

The words are drawn as vector paths taken from the font, not as text, so
text extraction, search and screen readers do not meet "DRAFT" on every page;
the state is stated once, as text, on the first page instead.
"""

from __future__ import annotations

import math
from functools import lru_cache
from xml.sax.saxutils import quoteattr

from qms.render.errors import RenderError
from qms.render.fonts import resolve_font

PAGE_MM = (210.0, 297.0)  # A4
COLOUR = "#b03a2e"
OPACITY = 0.14


@lru_cache(maxsize=32)
def watermark_svg(text: str, family: str = "Liberation Serif", style: str = "Bold") -> bytes:
    """An A4-sized SVG with ``text`` as filled outlines along the page diagonal."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    found, path = resolve_font(family, style)
    if found.casefold() != family.casefold():
        raise RenderError(
            "font {family!r} is not installed (needed for the watermark)", family=family
        )
    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap()
        metrics = font["hmtx"]
        glyphs = font.getGlyphSet()
        em = font["head"].unitsPerEm
        cap = getattr(font["OS/2"], "sCapHeight", 0) or int(em * 0.66)
        pen = SVGPathPen(glyphs)
        x = 0
        for char in text:
            name = cmap.get(ord(char))
            if name is None:
                raise RenderError(
                    "font {family!r} has no glyph for {char!r} in the watermark",
                    family=family,
                    char=char,
                )
            glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))
            x += metrics[name][0]
        commands = pen.getCommands()
    width_mm, height_mm = PAGE_MM
    diagonal = math.hypot(width_mm, height_mm)
    # The words span about 75% of the diagonal, but never taller than 42 mm per em.
    scale = min(0.75 * diagonal / max(x, 1), 42.0 / em)
    angle = -math.degrees(math.atan2(height_mm, width_mm))
    transform = (
        f"translate({width_mm / 2:g} {height_mm / 2:g}) rotate({angle:.3f}) "
        f"scale({scale:.6f}) translate({-x / 2:g} {cap / 2:g})"
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width_mm:g}mm" height="{height_mm:g}mm" '
        f'viewBox="0 0 {width_mm:g} {height_mm:g}">'
        f"<g transform={quoteattr(transform)}>"
        f"<path d={quoteattr(commands)} fill={quoteattr(COLOUR)} "
        f'fill-opacity="{OPACITY:g}"/></g></svg>'
    )
    return svg.encode("utf-8")
