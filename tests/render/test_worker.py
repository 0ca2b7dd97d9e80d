"""The worker process: results, errors and WeasyPrint warnings cross back to the parent."""

from __future__ import annotations

import pytest

from qms.render import RenderError, RenderLimitError, start_workers
from qms.render.worker import run_isolated

from .conftest import WarningGuard
from .helpers import crash_hard, raise_nothing, raise_render_error, render_with_unknown_css


def test_worker_warnings_are_logged_in_the_parent(weasyprint_warnings: WarningGuard) -> None:
    weasyprint_warnings.allow()
    pdf = run_isolated(render_with_unknown_css)
    assert pdf.startswith(b"%PDF-")
    assert any("qms-unknown-property" in message for message in weasyprint_warnings.messages())


def test_render_error_in_the_worker_is_raised_in_the_parent() -> None:
    with pytest.raises(RenderError, match=r"^asset 'x\.css' is missing$") as caught:
        run_isolated(raise_render_error)
    assert type(caught.value) is RenderError


def test_a_crashed_worker_is_reported() -> None:
    with pytest.raises(RenderLimitError, match=r"stopped \(signal SIGSEGV\), most likely"):
        run_isolated(crash_hard)
    with pytest.raises(RenderError, match=r"stopped unexpectedly \(signal SIGSEGV\)"):
        run_isolated(crash_hard, memory_limit=None)


def test_workers_can_be_started_ahead_of_the_first_render() -> None:
    start_workers()
    start_workers()  # idempotent
    assert run_isolated(raise_nothing) == b"ready"
