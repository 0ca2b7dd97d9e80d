"""What a reading command loads when it starts in its own process, as ``qms`` does at a
terminal: the compiled catalogs rather than Babel's .po parser, no YAML reader when
nothing reads a YAML file, and for verifying the chain nothing of the documents or the
renderer."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.helpers import new_draft

ROOT = Path(__file__).resolve().parents[2]
# Runs ``python -m qms ARGS`` and writes the names of the modules it loaded to a file.
LOADED_MODULES = """
import json, runpy, sys
record = sys.argv.pop(1)
sys.argv[0] = "qms"
try:
    runpy.run_module("qms", run_name="__main__")
finally:
    with open(record, "w") as out:
        json.dump(sorted(sys.modules), out)
"""
NOT_NEEDED = ("babel", "yaml", "weasyprint")


def _loaded(db_url: str, record: Path, *args: str) -> set[str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("QMS_", "PYTHON"))}
    environment = {
        **kept,
        "PYTHONPATH": str(ROOT),
        "QMS_DATABASE_URL": db_url,
        "QMS_LANGUAGE": "vi",
    }
    finished = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES, str(record), *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout
    return set(json.loads(record.read_text()))


def _of(loaded: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(p for p in packages if any(n == p or n.startswith(f"{p}.") for n in loaded))


@pytest.mark.parametrize(
    ("args", "not_needed"),
    [
        (("doc", "list"), NOT_NEEDED),
        (("doc", "show", "QT-02", "--as", "thu"), NOT_NEEDED),
        (("trail", "verify"), (*NOT_NEEDED, "qms.render", "qms.services.documents")),
    ],
    ids=["doc list", "doc show", "trail verify"],
)
def test_a_reading_command_loads_only_what_it_uses(
    args: tuple[str, ...], not_needed: tuple[str, ...], db_url: str, engine: Engine, tmp_path: Path
) -> None:
    new_draft(engine, "QT-02", title="Quy trình tiếp nhận phản ánh")
    loaded = _loaded(db_url, tmp_path / "modules.json", *args)
    assert "qms.models" in loaded
    assert _of(loaded, not_needed) == []
