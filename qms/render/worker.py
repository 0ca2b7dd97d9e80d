"""Run a render in a child process with a wall-clock and an address-space limit.

WeasyPrint can take gigabytes and minutes on hostile or just huge input, and
deep nesting can crash it. The child is forked from a "forkserver" that has
WeasyPrint imported already, so each render starts in milliseconds with a
clean heap; the parent only waits, kills the child when time runs out, and
turns whatever happened into bytes or a RenderError.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from qms.errors import Text
from qms.render.errors import InputLimitError, RenderError, RenderInputError, RenderLimitError

DEFAULT_TIME_LIMIT = 120.0  # seconds
DEFAULT_MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space

_PRELOAD = ["qms.render._preload"]


@lru_cache(maxsize=1)
def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def start() -> None:
    """Start the worker server now rather than on the first render.

    It imports WeasyPrint and renders a sample once (about a second); a web
    server can call this at start-up so that no request pays for it.
    """
    run_isolated(_nothing, time_limit=DEFAULT_TIME_LIMIT)


def launch() -> None:
    """Start the worker server in the background and return at once.

    A command that is about to render can call this first, so that the server imports
    WeasyPrint and warms up on the other core while the command does its own work; the
    first render then waits only for what is left of that.
    """
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def stop() -> None:
    """Stop the worker server now, in the middle of its warm-up too.

    For a command that launched it and then had nothing to render (a manual served from
    storage): the server would otherwise finish loading WeasyPrint on the other core
    before it notices that this process has gone.
    """
    if _context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if server is None or pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    server._stop()  # closes the "alive" pipe and reaps the server


def _nothing() -> bytes:
    return b""


def run_isolated(
    func: Callable[..., bytes],
    /,
    *args: Any,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    **kwargs: Any,
) -> bytes:
    """Call ``func(*args, **kwargs)`` in a child process and return its bytes.

    ``func`` and its arguments must be picklable. As with any non-fork start
    method, a script calling this must guard its top level with
    ``if __name__ == "__main__":`` (the child imports the main module). WeasyPrint warnings logged in
    the child are logged again in this process on the "weasyprint" logger.
    """
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(  # type: ignore[attr-defined]
        target=_child,
        args=(sender, memory_limit, func, args, kwargs),
        daemon=True,
        name="qms-render",
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(time_limit):
            raise RenderLimitError(
                "rendering did not finish within the time limit of {limit:g} s", limit=time_limit
            )
        try:
            outcome, payload, logs = receiver.recv()
        except EOFError:
            raise _died(process, memory_limit) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    for level, message in logs:
        logging.getLogger("weasyprint").log(level, "%s", message)
    if outcome == "ok":
        assert isinstance(payload, bytes)
        return payload
    assert isinstance(payload, Text)
    raise _REFUSALS.get(outcome, RenderError)(payload)


# What the child reports, and the error the parent raises for it (else RenderError).
_REFUSALS: dict[str, type[RenderError]] = {
    "limit": RenderLimitError,
    "input_limit": InputLimitError,
    "input": RenderInputError,
}


def _died(process: Any, memory_limit: int | None) -> RenderError:
    process.join()
    code = process.exitcode
    cause = (
        Text("signal {name}", name=signal.Signals(-code).name)
        if code and code < 0
        else Text("exit code {code}", code=str(code))
    )
    if memory_limit and code is not None and code < 0:
        return RenderLimitError(
            "the render worker stopped ({cause}), most likely at the memory limit of {limit} MB",
            cause=cause,
            limit=memory_limit // (1024 * 1024),
        )
    return RenderError("the render worker stopped unexpectedly ({cause})", cause=cause)


def _out_of_memory(memory_limit: int | None) -> Text:
    if memory_limit:
        return Text(
            "rendering ran out of memory at the limit of {limit} MB",
            limit=memory_limit // (1024 * 1024),
        )
    return Text("rendering ran out of memory at the limit")


def _child(
    sender: Connection,
    memory_limit: int | None,
    func: Callable[..., bytes],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    from qms.render.pdf import captured_weasyprint_logs

    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    result: tuple[str, Any]
    with captured_weasyprint_logs() as logs:
        try:
            result = ("ok", func(*args, **kwargs))
        except InputLimitError as exc:
            result = ("input_limit", exc.text)
        except RenderInputError as exc:
            result = ("input", exc.text)
        except RenderLimitError as exc:
            result = ("limit", exc.text)
        except RenderError as exc:
            result = ("error", exc.text)
        except MemoryError:
            result = ("limit", _out_of_memory(memory_limit))
        except RecursionError:
            result = ("limit", Text("the document is nested too deeply to lay out"))
        except Exception as exc:
            result = (
                "error",
                Text(
                    "rendering failed: {kind}: {reason}", kind=type(exc).__name__, reason=str(exc)
                ),
            )
    try:
        sender.send((*result, logs))
    finally:
        sender.close()
        os._exit(0)
