"""A server process freezes what it built to start out of the garbage collector, once."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_START_TWO_APPS = """
import gc, sys
from fastapi.testclient import TestClient
from qms.settings import Settings
from qms.web.app import create_app
before = gc.get_freeze_count()
with TestClient(create_app(Settings(database_url=sys.argv[1]))):
    first = gc.get_freeze_count()
gc.unfreeze()
with TestClient(create_app(Settings(database_url=sys.argv[1]))):
    second = gc.get_freeze_count()
print(before, first, second)
"""


def test_the_first_app_started_freezes_the_start_up_and_later_ones_do_not(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'qms.db'}"
    done = subprocess.run(
        [sys.executable, "-c", _START_TWO_APPS, url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    before, first, second = map(int, done.stdout.split())
    assert before == 0
    assert first > 10_000  # the modules, routes and templates
    assert second == 0  # the second app froze nothing more
