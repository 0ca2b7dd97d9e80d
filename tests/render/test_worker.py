"""The worker process: results, errors and WeasyPrint warnings cross back to the parent."""

from __future__ import annotations

import os

import pytest

from qms.render import (
    RenderError,
    RenderLimitError,
    launch_workers,
    start_workers,
    stop_workers,
)
from qms.render.worker import run_isolated

from .conftest import WarningGuard
from .helpers import (
    crash_hard,
    exit_early,
    fail_unexpectedly,
    raise_nothing,
    raise_render_error,
    recurse_too_deep,
    render_with_unknown_css,
    run_out_of_memory,
)


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


def test_failures_inside_the_worker_come_back_as_one_clear_message() -> None:
    with pytest.raises(
        RenderLimitError, match=r"^rendering ran out of memory at the limit of 512 MB$"
    ):
        run_isolated(run_out_of_memory, memory_limit=512 * 1024 * 1024)
    with pytest.raises(RenderLimitError, match=r"^rendering ran out of memory at the limit$"):
        run_isolated(run_out_of_memory, memory_limit=None)
    with pytest.raises(RenderLimitError, match=r"^the document is nested too deeply to lay out$"):
        run_isolated(recurse_too_deep)
    with pytest.raises(
        RenderError, match=r"^rendering failed: ValueError: bad table width$"
    ) as caught:
        run_isolated(fail_unexpectedly)
    assert type(caught.value) is RenderError
    with pytest.raises(
        RenderError, match=r"^the render worker stopped unexpectedly \(exit code 3\)$"
    ):
        run_isolated(exit_early)


def test_workers_can_be_started_ahead_of_the_first_render() -> None:
    start_workers()
    start_workers()  # idempotent
    assert run_isolated(raise_nothing) == b"ready"


def test_the_worker_server_can_start_loading_in_the_background() -> None:
    """A command that will render soon has the server launched at once (it loads in its
    own process while the command works); the first render then uses it."""
    from multiprocessing import forkserver

    launch_workers()
    launch_workers()  # idempotent
    assert forkserver._forkserver._forkserver_pid is not None  # type: ignore[attr-defined]
    assert run_isolated(raise_nothing) == b"ready"


def test_a_launched_worker_server_is_stopped_at_once_when_not_needed() -> None:
    """A command that launched the server and then had nothing to render (a manual served
    from storage) stops it, warm-up or not; a later render starts a new one."""
    from multiprocessing import forkserver

    launch_workers()
    server = forkserver._forkserver  # type: ignore[attr-defined]
    pid = server._forkserver_pid
    stop_workers()
    stop_workers()  # idempotent
    assert server._forkserver_pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone and reaped
    assert run_isolated(raise_nothing) == b"ready"
