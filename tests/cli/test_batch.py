"""``qms batch``: many commands in one process, each as it would run alone."""

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import snapshot


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "steps.qms"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_batch_runs_each_command_and_reads_passwords_line_by_line(
    qms: Invoke, password: str, tmp_path: Path
) -> None:
    body = tmp_path / "body.md"
    body.write_text("# 1. Mục đích\n\nThời hạn 02 ngày làm việc.\n", encoding="utf-8")
    steps = write(
        tmp_path,
        "# a new procedure, reviewed and approved\n"
        f'qms doc new QT-20 --title "Quy trình tiếp nhận phản ánh" --type procedure --dept VP '
        f"--body '{body}' --as thu\n\n"
        "doc submit QT-20 --as thu\n"
        "! doc approve QT-20 --as hai\n"
        "doc review QT-20 --accept --as hung\n"
        "doc approve QT-20 --as hai\n",
    )
    done = qms("batch", str(steps), input=password * 4)  # the refused approval read one
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(
        "\n$ qms doc new QT-20 --title 'Quy trình tiếp nhận phản ánh' --type procedure "
    )
    assert "\nQT-20 issue 1 submitted for review\n" in done.stdout
    assert "\n$ qms doc approve QT-20 --as hai\n" in done.stdout
    assert done.stderr.startswith("error: ")  # the approval refused before the review
    assert "QT-20 issue 1 reviewed\n" in done.stdout
    assert "QT-20 issue 1 approved; takes effect on " in done.stdout
    shown = json.loads(qms("doc", "show", "QT-20", "--format", "json", "--as", "thu").stdout)
    assert shown["status"] == "approved"


def test_a_batch_stops_at_the_first_failure_with_its_exit_code(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    before = snapshot(engine)
    stopped = qms("batch", str(write(tmp_path, "doc show QT-99\ndept add KT Kế toán --as admin\n")))
    assert (stopped.exit_code, stopped.stderr) == (3, "error: no document with code QT-99\n")
    assert "dept add" not in stopped.stdout
    assert snapshot(engine) == before

    for text, message in (
        ("! doc list\n", "error: line 1: the command was expected to be refused but succeeded\n"),
        ("\n# x\nbatch other.qms\n", "error: line 3: a qms command is expected\n"),
        ('doc show "QT-01\n', "error: line 1: no closing quotation\n"),
    ):
        refused = qms("batch", "--quiet", str(write(tmp_path, text)))
        assert (refused.exit_code, refused.stderr) == (2, message)
    assert snapshot(engine) == before
