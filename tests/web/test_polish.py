"""Polish a user notices: error pages titled in words with a Back link that works under
the Content-Security-Policy, a skip link, and a current-language button that passes
WCAG AA contrast (computed from the stylesheet)."""

import re

from fastapi import FastAPI

from qms.web.app import STATIC_DIR
from tests.web.client import signed_in

CSS = (STATIC_DIR / "qms.css").read_text(encoding="utf-8")


def test_error_pages_are_titled_in_words_and_go_back_without_inline_script(
    app: FastAPI,
) -> None:
    client = signed_in(app, "thu")
    missing = client.get("/documents/KHONG-CO")
    assert missing.status_code == 404
    assert "<title>Không tìm thấy trang · qms</title>" in missing.text
    assert "<h1>Không tìm thấy trang</h1>" in missing.text
    assert "Lỗi 404" not in missing.text
    assert "javascript:" not in missing.text  # the CSP blocks it: Back did nothing
    assert '<a href="/" data-back>Quay lại</a>' in missing.text
    refused = client.get("/documents", params={"sort": "nothing"})
    assert "<h1>Vui lòng kiểm tra thông tin đã nhập</h1>" in refused.text
    script = (STATIC_DIR / "qms.js").read_text(encoding="utf-8")
    assert 'querySelectorAll("a[data-back]")' in script
    assert "history.back()" in script
    client.close()


def test_a_skip_link_leads_to_the_main_content(app: FastAPI) -> None:
    client = signed_in(app, "thu")
    page = client.get("/documents").text
    body = page[page.index("<body") :]
    first_link = re.search(r"<a [^>]*>", body)
    assert first_link is not None
    assert first_link.group(0) == '<a class="skip-link" href="#main">'
    assert '<main id="main" tabindex="-1">' in page
    assert re.search(r"\.skip-link:focus \{[^}]*top: \.5rem", CSS)
    client.close()


def _rule(selector: str) -> dict[str, str]:
    match = re.search(re.escape(selector) + r" \{([^}]*)\}", CSS)
    assert match, selector
    return {
        name.strip(): value.strip()
        for name, value in (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    }


def _colour(value: str) -> tuple[float, float, float]:
    variables = dict(re.findall(r"(--[\w-]+): (#[0-9a-fA-F]{6})", CSS))
    value = variables.get(value.removeprefix("var(").removesuffix(")"), value)
    if value == "#fff":
        value = "#ffffff"
    return tuple(int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_current_language_button_passes_wcag_aa_contrast() -> None:
    rule = _rule('.language-switch button[aria-current="true"]')
    assert rule["opacity"] == "1"  # not faded like other disabled buttons
    lighter, darker = sorted(
        (_luminance(_colour(rule["color"])), _luminance(_colour(rule["background"])))
    )
    ratio = (darker + 0.05) / (lighter + 0.05)
    assert ratio >= 4.5, ratio
