"""The web server and Python's garbage collector.

A server process keeps what it builds to start (modules, routes, templates) and what its
first requests fill in (the statements SQLAlchemy has compiled, the templates Jinja has
loaded, the modules a page imports when first shown) for as long as it runs. Each full
pass of the collector walks all of it again, and such a pass lands in the middle of some
request: at 10,000 documents, about one request in thirty-five waited 16 ms for one (5 ms
once what the first requests filled in was frozen too, bench/scale_bench.py).

So what lives for good is frozen out of the collector's passes: what start-up built, once
the app starts, and what the first requests filled in, a few times over the process's
early life, each time at a moment when no request is running, after a full collection
(so that only what is still referenced is frozen, never a request's leftovers).

Both are once per process, not per app: a process that builds many apps (the tests)
would otherwise keep each earlier app's cycles from ever being collected.
"""

import gc

from starlette.types import ASGIApp, Receive, Scope, Send

# Requests served after which the next moment with none running freezes what lives.
SETTLE_AFTER = (100, 1_000, 10_000)


class _Process:
    started_frozen = False
    running = 0
    served = 0
    settled = 0  # how many of SETTLE_AFTER have been done


_PROCESS = _Process()


def freeze() -> None:
    """Collect what is garbage, then keep everything still alive out of later passes."""
    gc.collect()
    gc.freeze()


def freeze_start_up() -> None:
    """Called as the app starts serving: what start-up built is frozen, once per process."""
    if not _PROCESS.started_frozen:
        _PROCESS.started_frozen = True
        freeze()


class SettleAfterWarmUp:
    """ASGI middleware: counts the requests running and served in this process and, once
    the next of ``SETTLE_AFTER`` has been served, freezes at the first moment none runs.
    The pause (a full collection, tens of milliseconds) comes after a response has been
    sent, three times in the life of a process."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        _PROCESS.running += 1
        try:
            await self.app(scope, receive, send)
        finally:
            _PROCESS.running -= 1
            _PROCESS.served += 1
            if _PROCESS.running == 0 and _settle_due():
                _PROCESS.settled += 1
                freeze()


def _settle_due() -> bool:
    return (
        _PROCESS.settled < len(SETTLE_AFTER) and _PROCESS.served >= SETTLE_AFTER[_PROCESS.settled]
    )
