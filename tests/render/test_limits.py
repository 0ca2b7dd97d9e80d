"""Input caps and the worker's time and memory limits."""

from __future__ import annotations

import multiprocessing

import pytest

from qms.render import InputLimits, RenderLimitError, render_document_pdf
from qms.render.markdown import convert

from .helpers import make_rendition, page_texts


def nested_list(depth: int) -> str:
    return "\n".join("  " * level + f"- mức {level + 1}" for level in range(depth))


def test_nesting_up_to_the_cap_is_accepted_and_renders() -> None:
    html = convert(nested_list(20)).html
    assert html.count("<ul>") == 20
    pdf = render_document_pdf(make_rendition(body_markdown=nested_list(20)))
    assert "mức 20" in " ".join(page_texts(pdf))


@pytest.mark.parametrize(
    ("body", "levels"),
    [
        (nested_list(21), "21"),
        ("> " * 25 + "trích dẫn", "25"),
        # Past the parser's own limit the real depth is not measured: it is at least that.
        ("> " * 140 + "sâu", "at least 100"),
    ],
)
def test_over_deep_nesting_is_refused(body: str, levels: str) -> None:
    with pytest.raises(RenderLimitError) as caught:
        render_document_pdf(make_rendition(body_markdown=body))
    assert str(caught.value) == (
        f"lists or block quotes are nested {levels} levels deep; the limit is 20"
    )


def test_over_deep_emphasis_is_refused() -> None:
    with pytest.raises(RenderLimitError, match="emphasis or links are nested 30 levels"):
        convert("*" * 60 + "x" + "*" * 60)


def test_over_size_body_is_refused_before_any_worker_starts() -> None:
    body = "Nội dung quy trình.\n\n" * 100_000  # 2.4 MB of UTF-8
    # A time limit no render could meet: the size check must answer first.
    with pytest.raises(RenderLimitError) as caught:
        render_document_pdf(make_rendition(body_markdown=body), time_limit=1e-6)
    assert str(caught.value) == "document body is 2.4 MB; the limit is 2.0 MB"


def test_too_many_table_cells_are_refused() -> None:
    rows = "\n".join("| a | b | c | d |" for _ in range(2_600))
    table = "| 1 | 2 | 3 | 4 |\n|---|---|---|---|\n" + rows
    with pytest.raises(RenderLimitError, match="tables have 10,404 cells; the limit is 10,000"):
        render_document_pdf(make_rendition(body_markdown=table))
    small = InputLimits(max_table_cells=8)
    with pytest.raises(RenderLimitError, match="the limit is 8"):
        convert("| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 4, limits=small)


def test_too_many_image_bytes_are_refused() -> None:
    sha = "a" * 64
    doc = make_rendition(body_markdown=f"![x](blob:{sha})", images={sha: b"\x89PNG" + b"0" * 50})
    with pytest.raises(RenderLimitError, match="images total"):
        render_document_pdf(doc, limits=InputLimits(max_image_bytes=10))


def test_time_limit_stops_the_render_and_the_parent_carries_on() -> None:
    doc = make_rendition()
    with pytest.raises(RenderLimitError) as caught:
        render_document_pdf(doc, time_limit=0.01)
    assert str(caught.value) == "rendering did not finish within the time limit of 0.01 s"
    assert multiprocessing.active_children() == []
    assert "Trang 1/" in page_texts(render_document_pdf(doc))[0]


def test_memory_limit_stops_the_render_and_the_parent_carries_on() -> None:
    doc = make_rendition()
    with pytest.raises(RenderLimitError, match="memory"):
        render_document_pdf(doc, memory_limit=32 * 1024 * 1024)
    assert multiprocessing.active_children() == []
    assert "Trang 1/" in page_texts(render_document_pdf(doc))[0]
