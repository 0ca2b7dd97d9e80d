"""Staff asking the command line for an issue they may not see learn nothing from the
answer: it is the "not found" line and exit code of an issue that does not exist."""

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import effective_document, revise, to_effective

MISSING = 77


def test_a_hidden_issue_is_not_found_like_a_missing_one(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    effective_document(engine, "QT-01")
    revise(engine, "QT-01", n=2)
    to_effective(engine, "QT-01")
    revise(engine, "QT-01", n=3)  # issue 1 superseded, 2 effective, 3 a draft
    output = tmp_path / "out.pdf"
    reads = {
        "show": lambda n: ("doc", "show", "QT-01", "--issue", str(n), "--as", "lan"),
        "diff": lambda n: ("doc", "diff", "QT-01", str(n), "2", "--as", "lan"),
        "pdf": lambda n: (
            "pdf",
            "document",
            "QT-01",
            "--issue",
            str(n),
            "--as",
            "lan",
            "-o",
            str(output),
        ),
    }
    for read, args in reads.items():
        missing = qms(*args(MISSING))
        assert (missing.exit_code, missing.stderr, missing.stdout) == (
            3,
            f"error: QT-01 has no issue {MISSING}\n",
            "",
        ), read
        for hidden in (1, 3):
            result = qms(*args(hidden))
            assert (result.exit_code, result.stderr, result.stdout) == (
                3,
                f"error: QT-01 has no issue {hidden}\n",
                "",
            ), (read, hidden)
    assert not output.exists()
    assert qms("doc", "show", "QT-01", "--issue", "3", "--as", "thu").exit_code == 0
