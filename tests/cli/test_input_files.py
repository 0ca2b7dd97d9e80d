"""Files named on the command line: a FIFO, a device, a folder or a file over the limit is
refused at once in one line (exit 2) that names it, and the database stays as it was.

Each command runs as its own process with a time and memory limit, so a command that
waits on a FIFO or reads /dev/zero until memory runs out fails the test instead of
hanging it or exhausting the machine."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from qms.cli.audit_programme import MAX_GRADES_BYTES
from qms.cli.common import text_limit
from qms.cli.setup import MAX_ORGANISATION_BYTES
from qms.cli.trail import MAX_ANCHORS_BYTES
from qms.services.audits.planning import MAX_OBJECTIVES_CHARS
from qms.services.audits.work import MAX_ATTACHMENT_BYTES, MAX_EVIDENCE_CHARS
from qms.services.documents.importer import MAX_SOURCE_BYTES
from qms.services.documents.revisions import MAX_BODY_CHARS
from tests.cli.conftest import Invoke
from tests.cli.test_audit_cli import PLAN
from tests.cli.test_cli import register
from tests.helpers import snapshot
from tests.services.audit_helpers import effective_procedures

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 60  # seconds; a refusal takes well under one
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space; reading /dev/zero runs into it

KINDS = ["fifo", "device", "folder", "oversized"]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_qms(db_url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``qms ARGS`` as its own process: (exit code, stdout, stderr)."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("QMS_USER")
    }
    environment.update(
        {"PYTHONPATH": str(ROOT), "QMS_DATABASE_URL": db_url, "QMS_LANGUAGE": "en", **(env or {})}
    )
    try:
        result = subprocess.run(
            [sys.executable, "-m", "qms", *args],
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"qms {' '.join(args)} still runs after {TIME_LIMIT} s")
    return result.returncode, result.stdout, result.stderr


def bad_file(kind: str, tmp_path: Path, limit: int) -> Path:
    """A path of the ``kind`` a command must refuse; ``limit`` is the command's size cap."""
    if kind == "fifo":
        path = tmp_path / "pipe.md"
        os.mkfifo(path)  # nothing ever opens its writing end
        return path
    if kind == "device":
        return Path("/dev/zero")
    if kind == "folder":
        path = tmp_path / "folder.md"
        path.mkdir()
        return path
    path = tmp_path / "big.md"
    with path.open("wb") as handle:
        handle.truncate(limit + 1)  # sparse: one byte over the cap, no disk used
    return path


def assert_refused(engine: Engine, db_url: str, path: Path, *args: str) -> None:
    """``qms ARGS`` is refused in one line naming ``path``, with exit 2, changing nothing."""
    before = snapshot(engine)
    code, stdout, stderr = run_qms(db_url, *args)
    assert code == 2, stderr
    assert stderr.startswith("error: "), stderr
    assert stderr.count("\n") == 1, stderr
    assert str(path) in stderr
    assert stdout == ""
    assert snapshot(engine) == before


FILE = "<file>"  # where a command takes the path; "@<file>" for TEXT-or-@FILE options

NEW = ("doc", "new", "QT-21", "--title", "T", "--type", "form", "--dept", "VP",
       "--body", FILE, "--as", "thu")  # fmt: skip

# name: (size cap, the command)
DOCUMENT_COMMANDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "doc revise --body": (
        text_limit(MAX_BODY_CHARS),
        ("doc", "revise", "QT-20", "--body", FILE, "--as", "thu"),
    ),
    "doc new --body": (text_limit(MAX_BODY_CHARS), NEW),
    "doc import": (MAX_SOURCE_BYTES, ("doc", "import", FILE, "--as", "thu")),
    "trail verify --anchors": (MAX_ANCHORS_BYTES, ("trail", "verify", "--anchors", FILE)),
    "audit grades --set": (MAX_GRADES_BYTES, ("audit", "grades", "--set", FILE, "--as", "thu")),
}

RECORD = ("audit", "record", "IA-2026-01", "1", "--as", "an")
AUDIT_COMMANDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "audit record --attach": (
        MAX_ATTACHMENT_BYTES,
        (*RECORD, "--result", "C", "--attach", FILE),
    ),
    "audit record --evidence @": (
        text_limit(MAX_EVIDENCE_CHARS),
        (*RECORD, "--result", "C", "--evidence", f"@{FILE}"),
    ),
    "audit record --finding @": (
        text_limit(MAX_BODY_CHARS),
        (*RECORD, "--result", "NC_MINOR", "--evidence", "x", "--finding", f"@{FILE}"),
    ),
    "audit conclude --conclusions @": (
        text_limit(MAX_OBJECTIVES_CHARS),
        ("audit", "conclude", "IA-2026-01", "--conclusions", f"@{FILE}", "--as", "an"),
    ),
    "audit plan --objectives @": (
        text_limit(MAX_OBJECTIVES_CHARS),
        (*PLAN[:-4], "--objectives", f"@{FILE}", "--lead", "an", "--as", "thu"),
    ),
}


def given(command: tuple[str, ...], path: Path) -> tuple[str, ...]:
    return tuple(arg.replace(FILE, str(path)) for arg in command)


@pytest.mark.parametrize("kind", KINDS)
def test_document_and_trail_files_that_are_not_plain_files_are_refused(
    qms: Invoke, engine: Engine, db_url: str, tmp_path: Path, kind: str
) -> None:
    register(qms, tmp_path)
    for name, (limit, command) in DOCUMENT_COMMANDS.items():
        if name == "doc import" and kind == "folder":
            continue  # a folder's *.md files are imported (see the FIFO test below)
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        path = bad_file(kind, folder, limit)
        assert_refused(engine, db_url, path, *given(command, path))


@pytest.mark.parametrize("kind", KINDS)
def test_audit_files_that_are_not_plain_files_are_refused(
    qms: Invoke, engine: Engine, db_url: str, tmp_path: Path, kind: str
) -> None:
    effective_procedures(engine)
    assert qms(*PLAN, "--lead", "an").exit_code == 0
    assert qms("audit", "start", "IA-2026-01", "--as", "an").exit_code == 0
    for name, (limit, command) in AUDIT_COMMANDS.items():
        folder = tmp_path / name.replace(" ", "_").replace("@", "at")
        folder.mkdir()
        path = bad_file(kind, folder, limit)
        assert_refused(engine, db_url, path, *given(command, path))


@pytest.mark.parametrize("kind", KINDS)
def test_an_organisation_file_that_is_not_a_plain_file_is_refused(
    blank_engine: Engine, blank_db_url: str, tmp_path: Path, kind: str
) -> None:
    path = bad_file(kind, tmp_path, MAX_ORGANISATION_BYTES)
    assert_refused(blank_engine, blank_db_url, path, "init", "--organisation", str(path))


def test_a_fifo_inside_an_imported_folder_is_refused(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """A folder's *.md files are read by the importer, which checks each of them too."""
    (tmp_path / "ok.md").write_text(
        "---\ncode: QT-30\ntitle: T\ntype: form\ndepartment: VP\nissue: 1\n"
        "effective_date: 2025-01-01\n---\nx\n"
    )
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    assert_refused(engine, db_url, pipe, "doc", "import", str(tmp_path), "--as", "thu")


def test_the_refusal_is_in_the_readers_language(
    qms: Invoke, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    big = bad_file("oversized", tmp_path, text_limit(MAX_BODY_CHARS))
    revise = ("doc", "revise", "QT-20", "--as", "thu", "--body")
    assert run_qms(db_url, *revise, str(pipe), env={"QMS_LANGUAGE": "vi"}) == (
        2,
        "",
        f"error: --body: {pipe} không phải là tệp thông thường\n",
    )
    assert run_qms(db_url, *revise, str(big), env={"QMS_LANGUAGE": "vi"}) == (
        2,
        "",
        f"error: --body: {big} lớn hơn 8.000.000 byte\n",
    )
    assert run_qms(db_url, *revise, str(big)) == (
        2,
        "",
        f"error: --body: {big} is larger than 8,000,000 bytes\n",
    )
