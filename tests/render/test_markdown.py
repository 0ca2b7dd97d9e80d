"""Markdown -> safe HTML: what survives and what does not."""

from __future__ import annotations

import unicodedata

import pytest

from qms.render import markdown_to_safe_html
from qms.render.markdown import convert, sanitise_html

SHA = "0123456789abcdef" * 4


def test_commonmark_with_tables() -> None:
    html = markdown_to_safe_html(
        "# 1. Mục đích\n\n1. Một\n2. Hai\n\n| Bước | Trách nhiệm |\n|:---:|--:|\n| 1 | TKISO |\n"
    )
    assert '<h1 id="1-mục-đích">1. Mục đích</h1>' in html
    assert "<ol>\n<li>Một</li>" in html
    assert '<th class="align-center">Bước</th>' in html
    assert '<td class="align-right">TKISO</td>' in html
    assert "style=" not in html


def test_only_cells_with_a_run_too_long_for_their_column_may_break_it_anywhere() -> None:
    url = "https://dichvucong.gov.vn/?ma=" + "a1b2c3" * 10
    html = markdown_to_safe_html(
        "| TT | Nội dung | Trách nhiệm |\n|:-:|---|---|\n"
        f"| 1 | Xem <{url}> | Văn phòng |\n"
        f"| 2 | `{'x' * 13}` | a*b*{'c' * 11} |\n"
        "| 3 | Trưởng đơn vị | procedures |\n"
    )
    # Three columns: a run of more than 12 characters may break; 12 or fewer wrap at spaces.
    assert '<td class="wrap-anywhere">Xem <a href=' in html
    assert '<td class="wrap-anywhere"><code>' in html
    assert '<td class="wrap-anywhere">a<em>b</em>ccc' in html
    assert "<td>Trưởng đơn vị</td>" in html
    assert "<td>procedures</td>" in html
    assert '<td class="align-center">3</td>' in html
    assert '<th class="align-center">TT</th>' in html


def test_a_narrow_table_allows_longer_runs_than_a_wide_one() -> None:
    word = "responsibility"  # 14 characters
    two = markdown_to_safe_html(f"| a | b |\n|---|---|\n| {word} | x |\n")
    five = markdown_to_safe_html(f"| a | b | c | d | e |\n|---|---|---|---|---|\n| {word} |||||\n")
    assert f"<td>{word}</td>" in two
    assert f'<td class="wrap-anywhere">{word}</td>' in five


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="file:///etc/passwd">', "<img"),
        ('<link rel="attachment" href="file:///etc/passwd">', "<link"),
        ("<style>@import url(file:///etc/passwd);</style>", "<style"),
        ('<div style="background:url(http://x/)">a</div>', "<div"),
        ('<iframe src="http://x/"></iframe>', "<iframe"),
        ('<object data="file:///x"></object>', "<object"),
        ('<svg><image href="file:///x"/></svg>', "<svg"),
        ("[x](javascript:alert(1))", "href"),
        ("[x](file:///etc/passwd)", "href"),
        ("[x](relative/path.html)", "href"),
        ("[x](data:text/html,hi)", "href"),
        ("![x](file:///etc/passwd)", "<img"),
        ("![x](https://example.org/a.png)", "<img"),
        ("![x](secret.png)", "<img"),
        (f"[x](blob:{SHA})", "href"),
        ("[x](#no-such-heading)", "href"),
    ],
)
def test_dangerous_input_is_neutralised(source: str, forbidden: str) -> None:
    assert forbidden not in markdown_to_safe_html(source)


def test_raw_html_is_shown_as_text() -> None:
    assert "&lt;b&gt;đậm&lt;/b&gt;" in markdown_to_safe_html("<b>đậm</b>")


def test_allowed_links_and_images() -> None:
    body = convert(
        f"# Phạm vi\n\n[a](https://example.org/x) [b](mailto:tk@example.org) [c](#phạm-vi)\n\n"
        f"![sơ đồ](blob:{SHA})"
    )
    assert '<a href="https://example.org/x">a</a>' in body.html
    assert '<a href="mailto:tk@example.org">b</a>' in body.html
    assert '<a href="#ph%E1%BA%A1m-vi">c</a>' in body.html
    assert f'<img src="blob:{SHA}" alt="sơ đồ">' in body.html
    assert body.image_refs == {SHA}


def test_image_with_foreign_source_keeps_its_alt_text() -> None:
    html = markdown_to_safe_html("![Lưu đồ quy trình](https://example.org/a.png)")
    assert "Lưu đồ quy trình" in html
    assert "example.org" not in html


def test_sanitiser_is_a_second_line_of_defence() -> None:
    hostile = (
        '<p style="color:red" onclick="x()">t</p><a href="file:///etc/passwd" rel="attachment">a</a>'
        '<img src="http://x/y.png"><img src="blob:abc"><h2 id="x" class="y">h</h2>'
        '<td class="align-left evil">c</td><link rel="stylesheet" href="http://x/">'
    )
    assert sanitise_html(hostile) == '<p>t</p><a>a</a><img><img><h2 id="x">h</h2>c'


def test_duplicate_headings_get_distinct_ids() -> None:
    html = markdown_to_safe_html("## Ghi chú\n\n## Ghi chú\n")
    assert 'id="ghi-chú"' in html
    assert 'id="ghi-chú-1"' in html


def test_output_is_nfc() -> None:
    html = markdown_to_safe_html(unicodedata.normalize("NFD", "Phê duyệt"))
    assert "Phê duyệt" in html
