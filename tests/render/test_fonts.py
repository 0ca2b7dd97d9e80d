"""Vietnamese text is set in embedded Liberation Serif with every glyph present."""

from __future__ import annotations

import re
import subprocess
from functools import cache

import pytest
from fontTools.ttLib import TTFont

from qms.render import RenderError
from qms.render.fonts import families_in_css, require_fonts
from qms.render.pdf import render_document

from .helpers import make_rendition, page_texts, reader

SUBSET_NAME = re.compile(r"[A-Z]{6}\+Liberation-?Serif(-Bold|-Italic|-BoldItalic)?")


@cache
def font_cmap(pattern: str) -> frozenset[int]:
    path = subprocess.run(
        ["fc-match", "-f", "%{file}", pattern], check=True, capture_output=True, text=True
    ).stdout
    with TTFont(path) as font:
        return frozenset(font.getBestCmap())


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_document(make_rendition())


def embedded_fonts(pdf: bytes) -> dict[str, object]:
    fonts: dict[str, object] = {}
    for page in reader(pdf).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"]).lstrip("/")] = font
    return fonts


def test_all_fonts_are_embedded_liberation_serif_subsets(pdf: bytes) -> None:
    fonts = embedded_fonts(pdf)
    assert fonts
    for name, font in fonts.items():
        assert SUBSET_NAME.fullmatch(name), name
        descendant = font["/DescendantFonts"][0].get_object()  # type: ignore[index]
        assert "/FontFile2" in descendant["/FontDescriptor"]


def test_every_character_has_a_glyph_in_liberation_serif(pdf: bytes) -> None:
    text = "".join(page_texts(pdf))
    assert "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ" in text
    for pattern in ("Liberation Serif", "Liberation Serif:bold", "Liberation Serif:italic"):
        missing = {
            char for char in text if not char.isspace() and ord(char) not in font_cmap(pattern)
        }
        assert missing == set(), pattern


def test_font_check_sees_a_font_without_vietnamese() -> None:
    # The check above can fail: a Chinese ideograph is not in Liberation Serif.
    assert ord("漢") not in font_cmap("Liberation Serif")


def test_css_names_liberation_serif_explicitly() -> None:
    from qms.render.paths import pdf_assets_dir

    for name in ("document.css", "manual.css"):
        css = (pdf_assets_dir() / name).read_text(encoding="utf-8")
        assert "Liberation Serif" in families_in_css(css)
        assert "Times New Roman" not in css


def test_families_in_css() -> None:
    css = """/* font-family: "Commented Out" */
    html { font-family: "Liberation Serif", Tinos, serif !important; }
    code { font-family: 'Liberation Mono', monospace }"""
    assert families_in_css(css) == ["Liberation Serif", "Tinos", "Liberation Mono"]


def test_missing_family_is_named() -> None:
    with pytest.raises(RenderError, match="'QMS No Such Font' is not installed"):
        require_fonts('p { font-family: "QMS No Such Font", serif }')
    require_fonts('p { font-family: "Liberation Serif", serif }')
