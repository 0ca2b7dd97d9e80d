"""The render worker loads WeasyPrint's native libraries with one look at the linker's
cache, not a compiler and linker search per name it tries."""

import json
import subprocess
import sys

# Runs in a fresh interpreter: records every process started while the render worker's
# preload (WeasyPrint, its libraries, one warm-up render) runs, and which libraries
# WeasyPrint ended up with.
_PRELOAD_WATCHED = """
import json, sys
started = []
def watch(event, args):
    if event == "subprocess.Popen":
        started.append(str(args[1][0] if args[1] else args[0]))
sys.addaudithook(watch)
import qms.render._preload
def loaded():
    names = ("libgobject", "libpango", "libharfbuzz", "libfontconfig", "libpangoft2")
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if line.rstrip().endswith(".so") or ".so." in line}
    return sorted(p for p in paths if p.rsplit("/", 1)[-1].startswith(names))
print(json.dumps({"started": started, "libraries": loaded()}))
"""

_PLAIN_IMPORT = """
import json
import weasyprint
def loaded():
    names = ("libgobject", "libpango", "libharfbuzz", "libfontconfig", "libpangoft2")
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if line.rstrip().endswith(".so") or ".so." in line}
    return sorted(p for p in paths if p.rsplit("/", 1)[-1].startswith(names))
print(json.dumps({"libraries": loaded()}))
"""


def _run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_worker_preload_starts_no_library_search_processes() -> None:
    watched = _run(_PRELOAD_WATCHED)
    searches = [name for name in watched["started"] if "ldconfig" in name]
    assert len(searches) <= 1, watched["started"]
    assert not [name for name in watched["started"] if "ldconfig" not in name], watched["started"]


def test_weasyprint_gets_the_same_libraries_as_with_its_own_search() -> None:
    watched = _run(_PRELOAD_WATCHED)
    plain = _run(_PLAIN_IMPORT)
    assert len(plain["libraries"]) >= 5, plain
    assert watched["libraries"] == plain["libraries"]
