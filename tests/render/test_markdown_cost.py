"""Adversarial bodies at sizes that once took minutes: converted, or refused at once with
the real figure. The timeout only stops a run that went quadratic again (the same bodies
convert in a few seconds); bench/markdown_bench.py measures how the cost grows."""

from __future__ import annotations

import re

import pytest

from qms.errors import ValidationError
from qms.render import InputLimitError
from qms.render.markdown import convert

# Each of these took longer than this before (one to several minutes); now a few seconds.
SLOW_BEFORE = 60


@pytest.mark.timeout(SLOW_BEFORE)
def test_forty_thousand_equal_headings_get_distinct_ids() -> None:
    html = convert("## Ghi chú 2\n\n" + "## Ghi chú\n\n" * 40_000).html
    ids = re.findall(r'<h2 id="([^"]+)">Ghi chú</h2>', html)
    assert len(ids) == 40_000
    assert len(set(ids)) == 40_000
    assert ids[:4] == ["ghi-chú", "ghi-chú-1", "ghi-chú-3", "ghi-chú-4"]  # -2 is taken
    assert ids[-1] == "ghi-chú-40000"


@pytest.mark.timeout(SLOW_BEFORE)
@pytest.mark.parametrize("unit", ["[a", "![a", "[**a"])
def test_unclosed_brackets_up_to_the_cap_convert_and_past_it_are_refused(unit: str) -> None:
    at_cap = convert(unit * 20_000).html
    assert at_cap.count("[") == 20_000  # every bracket kept as text
    with pytest.raises(InputLimitError) as caught:
        convert(unit * 300_000)
    assert str(caught.value) == (
        "the body has 300,000 opening square brackets '['; the limit is 20,000"
    )


def test_a_list_ten_thousand_levels_deep_is_refused_without_a_false_depth() -> None:
    with pytest.raises(ValidationError) as caught:
        convert("- " * 10_000 + "mức cuối")
    # The parser stops counting at its own limit; the message does not claim that figure
    # as the depth.
    assert str(caught.value) == (
        "lists or block quotes are nested at least 50 levels deep; the limit is 20"
    )
    assert caught.value.exit_code == 2


def test_deep_emphasis_is_refused_with_its_depth_written_out() -> None:
    with pytest.raises(InputLimitError) as caught:
        convert("*" * 100_000 + "x" + "*" * 100_000)
    assert str(caught.value) == ("emphasis or links are nested 50,000 levels deep; the limit is 20")
