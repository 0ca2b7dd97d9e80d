"""The installed ``qms`` script's entry point imports nothing beyond itself: Python's
multiprocessing runs the script again in every render worker (and every server worker)
it starts, and each would otherwise import the CLI's root first."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_qms_scripts_entry_point_loads_no_cli() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, _, function = scripts["qms"].partition(":")
    probe = (
        f"import sys; from {module} import {function}; "
        "print(sorted(m for m in sys.modules if m == 'click' or m.startswith(('qms.cli', "
        "'sqlalchemy', 'sqlmodel'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_the_entry_point_runs_the_cli() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from qms.program import main; sys.argv = ['qms', '--version']; main()",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "qms" in done.stdout
