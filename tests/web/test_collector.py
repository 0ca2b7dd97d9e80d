"""A server process freezes what lives for good out of the garbage collector: what start-up
built, once (tests/web/test_app_start.py), and what its first requests filled in, after
the 100th, 1,000th and 10,000th request, at a moment when no request runs and after a
full collection. Each case runs in a process of its own, whose collector it may freeze."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_HUNDRED_SIGN_IN_PAGES = """
import gc, sys
from fastapi.testclient import TestClient
from qms.settings import Settings
from qms.web.app import create_app
with TestClient(create_app(Settings(database_url=sys.argv[1]))) as client:
    frozen = []
    for _ in range(101):
        assert client.get("/login").status_code == 200
        frozen.append(gc.get_freeze_count())
print(frozen[98] == frozen[0], frozen[99] > frozen[98], frozen[100] <= frozen[99])
"""

# The middleware around a small ASGI app: one slow request holds the others' settling back.
_WHILE_A_REQUEST_RUNS = """
import asyncio, gc, weakref
from qms.web.collector import SettleAfterWarmUp

class Node:
    pass

released = asyncio.Event()
leftovers = []  # weak references to each request's cycle, garbage once it has ended
kept = []  # what the requests leave behind that stays referenced

async def app(scope, receive, send):
    if scope["path"] == "/slow":
        await released.wait()
    node = Node()
    node.me = node
    leftovers.append(weakref.ref(node))
    kept.append([scope["path"]])
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})

async def nothing():
    return {"type": "http.request", "body": b""}

async def ignore(message):
    pass

def call(path):
    return SettleAfterWarmUp(app)({"type": "http", "path": path}, nothing, ignore)

async def main():
    slow = asyncio.ensure_future(call("/slow"))
    await asyncio.sleep(0)
    for _ in range(150):
        await call("/quick")
    while_slow = gc.get_freeze_count()
    released.set()
    await slow
    settled = gc.get_freeze_count()
    alive = sum(ref() is not None for ref in leftovers)
    for _ in range(50):  # the next settling is due after 1,000
        await call("/later")
    later = gc.get_freeze_count()
    print(while_slow, settled > 0, alive, later <= settled)

asyncio.run(main())
"""


def _run(script: str, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_hundredth_request_freezes_what_the_first_ones_filled_in(tmp_path: Path) -> None:
    not_before, at_the_hundredth, not_again = _run(
        _HUNDRED_SIGN_IN_PAGES, f"sqlite:///{tmp_path / 'qms.db'}"
    )
    assert not_before == "True"  # the 99 before changed nothing frozen
    assert at_the_hundredth == "True"
    assert not_again == "True"  # the 101st froze nothing more (frozen objects may be freed)


def test_settling_waits_until_no_request_runs_and_freezes_no_leftovers() -> None:
    while_slow, settled, alive, later = _run(_WHILE_A_REQUEST_RUNS)
    assert while_slow == "0"  # 150 served, but one still running: nothing frozen
    assert settled == "True"  # frozen as soon as the slow one ended
    assert alive == "0"  # the requests' cycles were collected, not frozen
    assert later == "True"  # and not again before the 1,000th request
