"""Nothing outside our own assets reaches a controlled PDF, and nothing is fetched.

Each attack carries a file whose content holds a unique marker and a network
URL pointing at a local listener that never answers. A leak would put the
marker into the PDF (as text, an embedded file or stream bytes); a fetch
attempt would leave a pending connection on the listener. The control test
renders the same HTML with WeasyPrint's default fetcher to prove that these
detectors do see a leak.
"""

from __future__ import annotations

import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from weasyprint.urls import URLFetcher

from qms.render import RenderError, render_document_pdf
from qms.render.fetcher import MissingResource, RefusedURL, SafeFetcher
from qms.render.paths import pdf_assets_dir
from qms.render.pdf import html_to_pdf, render_document

from .conftest import WarningGuard
from .helpers import all_streams, make_rendition, page_texts, reader


@dataclass
class Target:
    marker: bytes
    folder: Path
    text: Path  # plain file: attachments
    svg: Path  # image that would print the marker
    css: Path  # stylesheet that would print the marker
    font: Path
    link: Path  # symbolic link to the SVG
    port: int
    listener: socket.socket

    def url(self, path: Path) -> str:
        return path.as_uri()

    def net(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def assert_no_connection(self) -> None:
        with pytest.raises(BlockingIOError):
            self.listener.accept()

    def assert_not_in(self, pdf: bytes) -> None:
        marker = self.marker
        assert marker not in pdf
        assert all(marker not in stream for stream in all_streams(pdf))
        assert all(marker.decode() not in text for text in page_texts(pdf))
        attachments = reader(pdf).attachments
        assert all(marker not in data for contents in attachments.values() for data in contents)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    marker = f"QMSLEAK{uuid.uuid4().hex}".encode()
    folder = tmp_path / "outside"
    folder.mkdir()
    text = folder / "secret.txt"
    text.write_bytes(b"top secret " + marker + b"\n")
    svg = folder / "secret.svg"
    svg.write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        b'<text x="0" y="30" font-size="20">' + marker + b"</text></svg>"
    )
    css = folder / "secret.css"
    css.write_bytes(b'body::before { content: "' + marker + b'"; }')
    font = folder / "secret.ttf"
    font.write_bytes(b"\x00\x01\x00\x00" + marker * 4)
    link = folder / "link.svg"
    link.symlink_to(svg)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(32)
    listener.setblocking(False)
    try:
        yield Target(
            marker, folder, text, svg, css, font, link, listener.getsockname()[1], listener
        )
    finally:
        listener.close()


def hostile_html(t: Target) -> str:
    """Everything WeasyPrint would fetch with its default fetcher, aimed outside."""
    return f"""<!DOCTYPE html>
<html><head>
<base href="{t.folder.as_uri()}/">
<title>hostile</title>
<link rel="attachment" href="{t.url(t.text)}" title="x">
<link rel="attachment" href="secret.txt">
<link rel="stylesheet" href="{t.url(t.css)}">
<link rel="stylesheet" href="secret.css">
<link rel="stylesheet" href="{t.net("linked.css")}">
<style>
@import url("{t.url(t.css)}");
@import url("{t.net("imported.css")}");
@font-face {{ font-family: Leak; src: url("{t.url(t.font)}"); }}
@font-face {{ font-family: LeakNet; src: url("{t.net("font.ttf")}"); }}
html {{ background: url("{t.url(t.svg)}"); }}
h1 {{ font-family: Leak, LeakNet, serif; background-image: url("{t.net("bg.png")}"); }}
</style>
</head><body>
<h1>Visible heading</h1>
<img src="{t.url(t.svg)}" alt="">
<img src="secret.svg" alt="">
<img src="link.svg" alt="">
<img src="{t.net("image.png")}" alt="">
<object data="{t.url(t.svg)}" type="image/svg+xml"></object>
<embed src="{t.url(t.svg)}" type="image/svg+xml">
<a rel="attachment" href="{t.url(t.text)}">attached</a>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  width="200" height="50"><image href="{t.url(t.svg)}" width="200" height="50"/>
  <image xlink:href="{t.net("svg.png")}" width="10" height="10"/></svg>
<p style="background: url('{t.url(t.svg)}')">styled paragraph</p>
<img src="qms-asset:../outside/secret.svg" alt="">
<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="">
</body></html>"""


def test_control_default_fetcher_leaks_so_the_detectors_work(
    target: Target, weasyprint_warnings: WarningGuard
) -> None:
    weasyprint_warnings.allow()
    leaky = URLFetcher(timeout=0.5)
    pdf = html_to_pdf(hostile_html(target), fetcher=leaky, identifier=b"control")
    with pytest.raises(AssertionError):
        target.assert_not_in(pdf)
    connection, _ = target.listener.accept()
    connection.close()


def test_fetcher_refuses_everything_outside_in_raw_html(
    target: Target, weasyprint_warnings: WarningGuard, tmp_path: Path
) -> None:
    weasyprint_warnings.allow()  # WeasyPrint reports each refused resource
    fetcher = SafeFetcher(assets_dir=pdf_assets_dir())
    pdf = html_to_pdf(hostile_html(target), fetcher=fetcher, identifier=b"hostile")
    assert "Visible heading" in page_texts(pdf)[0]
    target.assert_not_in(pdf)
    target.assert_no_connection()
    refused = " ".join(fetcher.refused)
    for attempted in ("file://", "http://127.0.0.1", "secret.txt", "link.svg"):
        assert attempted in refused
    assert reader(pdf).attachments == {}


def test_hostile_markdown_body_and_title_through_the_public_api(
    target: Target, weasyprint_warnings: WarningGuard
) -> None:
    body = f"""
# Tiêu đề

![a]({target.url(target.svg)}) ![b]({target.net("b.png")}) ![c](secret.svg)
![d](data:image/svg+xml;base64,PHN2Zy8+)
[e]({target.url(target.text)}) [f](javascript:alert(1))

<link rel="attachment" href="{target.url(target.text)}">
<img src="{target.url(target.svg)}">
<style>@import url("{target.url(target.css)}");</style>
<div style="background: url('{target.net("x.png")}')">div</div>
<svg><image href="{target.url(target.svg)}"/></svg>
<iframe src="{target.url(target.text)}"></iframe>
"""
    title = f'<img src="{target.url(target.svg)}"><link rel=attachment href="{target.url(target.text)}">'
    pdf = render_document_pdf(make_rendition(body_markdown=body, title=title))
    target.assert_not_in(pdf)
    target.assert_no_connection()
    assert reader(pdf).attachments == {}
    assert weasyprint_warnings.records == []  # nothing was even attempted
    first = page_texts(pdf)[0]
    assert "<img src=" in first  # the title is shown as text


def test_symlinked_asset_is_refused(tmp_path: Path, target: Target) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "logo.svg").symlink_to(target.svg)
    fetcher = SafeFetcher(assets_dir=assets)
    with pytest.raises(RefusedURL, match="symbolic link"):
        fetcher.fetch("qms-asset:logo.svg")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/a.png",
        "ftp://example.org/x",
        "data:text/plain,hello",
        "qms-asset:../document.css",
        "qms-asset:sub/document.css",
        "qms-asset:/etc/passwd",
        "blob:" + "A" * 64,
        "document.css",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    with pytest.raises(RefusedURL):
        SafeFetcher(assets_dir=pdf_assets_dir()).fetch(url)


def test_fetcher_serves_own_assets_blobs_and_generated_data() -> None:
    fetcher = SafeFetcher(
        assets_dir=pdf_assets_dir(),
        images={"a" * 64: b"\x89PNG\r\n\x1a\nrest"},
        generated={"mark.svg": (b"<svg/>", "image/svg+xml")},
    )
    assert b"Liberation Serif" in fetcher.fetch("qms-asset:document.css").read()
    image = fetcher.fetch("blob:" + "a" * 64)
    assert image.content_type == "image/png"
    assert fetcher.fetch("qms-gen:mark.svg").read() == b"<svg/>"
    with pytest.raises(MissingResource):
        fetcher.fetch("blob:" + "b" * 64)
    with pytest.raises(MissingResource):
        fetcher.fetch("qms-asset:no-such.css")


def _copy_assets(tmp_path: Path) -> Path:
    assets = tmp_path / "pdf"
    shutil.copytree(pdf_assets_dir(), assets)
    return assets


def test_missing_stylesheet_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=re.escape("document.css")):
        render_document(make_rendition(), assets_dir=tmp_path)


def test_missing_template_fails_loudly(tmp_path: Path) -> None:
    assets = _copy_assets(tmp_path)
    (assets / "_signatures.html").unlink()
    with pytest.raises(RenderError, match=re.escape("_signatures.html")):
        render_document(make_rendition(), assets_dir=assets)


def test_missing_asset_referenced_by_our_css_fails_loudly(tmp_path: Path) -> None:
    assets = _copy_assets(tmp_path)
    css = assets / "document.css"
    css.write_text('@import url("qms-asset:extra.css");\n' + css.read_text(), encoding="utf-8")
    with pytest.raises(RenderError, match=re.escape("extra.css")):
        render_document(make_rendition(), assets_dir=assets)


def test_missing_font_fails_loudly(tmp_path: Path) -> None:
    assets = _copy_assets(tmp_path)
    css = assets / "document.css"
    css.write_text(
        css.read_text().replace('"Liberation Serif"', '"QMS Missing Serif"'), encoding="utf-8"
    )
    with pytest.raises(RenderError, match="QMS Missing Serif"):
        render_document(make_rendition(), assets_dir=assets)
