"""Make sure the font families our stylesheets name are really installed.

fontconfig never says "not found": asked for a missing family it quietly
substitutes another one, and the controlled copy would come out in the wrong
face, possibly without Vietnamese glyphs. So every family named in our CSS is
resolved first and must come back as itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from qms.render.errors import RenderError

GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "inherit"}
)
_FAMILY_RE = re.compile(r"font-family\s*:\s*([^;}]+)", re.IGNORECASE)


@lru_cache(maxsize=64)
def resolve_font(family: str, style: str = "Regular") -> tuple[str, Path]:
    """Ask fontconfig for ``family``/``style``; return (family it chose, font file)."""
    from qms.render.libraries import import_weasyprint

    import_weasyprint()
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcPatternAddString(pattern, b"style", style.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            raise RenderError(
                "font {family!r} is not installed (fontconfig found no font)", family=family
            )
        try:
            value = ffi.new("FcChar8 **")
            fontconfig.FcPatternGetString(match, b"family", 0, value)
            found = ffi.string(value[0]).decode()
            fontconfig.FcPatternGetString(match, b"file", 0, value)
            path = Path(ffi.string(value[0]).decode())
        finally:
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)
    return found, path


def families_in_css(css: str) -> list[str]:
    """Font family names used in ``font-family`` declarations, generic ones excluded."""
    names: list[str] = []
    for declaration in _FAMILY_RE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)):
        for raw in declaration.split(","):
            name = raw.replace("!important", "").strip().strip("\"'").strip()
            if name and name.lower() not in GENERIC_FAMILIES and name not in names:
                names.append(name)
    return names


def require_fonts(css: str) -> None:
    """Raise RenderError naming the first family in ``css`` that is not installed."""
    for family in families_in_css(css):
        found, _ = resolve_font(family)
        if found.casefold() != family.casefold():
            raise RenderError(
                "font {family!r} is not installed (fontconfig would substitute {found!r}); "
                "install it before rendering controlled documents",
                family=family,
                found=found,
            )
