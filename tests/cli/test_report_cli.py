"""``qms report`` from the command line: the year's free texts from files, the yearly
report and the conformity decision written to PDF files, and bad input as one line on
stderr that changes nothing."""

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import snapshot, trail_actions
from tests.services import objectives_setup as obj
from tests.services.capa_setup import pdf_text


def test_the_papers_of_a_year_from_the_command_line(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    before = snapshot(engine)
    for args, message, code in (
        (("report", "yearly", "--year", "2026", "--as", "thu"), "no data for 2026", 2),
        (("report", "yearly", "--year", "2027", "--as", "thu"), "2027 has not begun yet", 2),
        (("report", "conformity", "--issue", "--as", "thu"), "the scope is empty", 2),
        (("report", "conformity", "--issue"), "needs the acting user", 2),
        (("report", "conformity", "-o", str(tmp_path / "x.pdf")), "no conformity decision", 3),
        (
            ("report", "draft", "--year", "2026", "--place", "Hồng Hà", "--as", "lan"),
            "controller",
            4,
        ),
    ):
        result = qms(*args)
        assert result.exit_code == code, result.output
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr
    assert snapshot(engine) == before

    difficulties = tmp_path / "kho-khan.txt"
    difficulties.write_text("Cán bộ kiêm nhiệm nhiều việc\n", encoding="utf-8")
    recipients = tmp_path / "noi-nhan.txt"
    recipients.write_text("Sở Khoa học và Công nghệ\nLưu trữ\n", encoding="utf-8")
    assert (
        qms(
            "report",
            "draft",
            "--year",
            "2026",
            "--difficulties",
            str(difficulties),
            "--recipients",
            str(recipients),
            "--place",
            "Hồng Hà",
            "--as",
            "thu",
        ).stdout
        == "saved the draft of 2026\n"
    )
    obj.import_stats(engine, obj.csv_bytes(obj.quarter()))
    decision = tmp_path / "quyet-dinh.pdf"
    result = qms("report", "conformity", "--issue", "-o", str(decision), "--as", "thu")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "issued decision 01/QĐ-UBND of 2026-12-04: 1 procedures and activities"
    assert lines[1].startswith(f"wrote {decision} (decision 01/QĐ-UBND, ")
    assert "Điều 1." in pdf_text(decision.read_bytes()).replace("\n", " ")
    again = qms("report", "conformity", "--issue", "--as", "thu")
    assert again.exit_code == 7
    assert "has not changed since decision 01/QĐ-UBND" in again.stderr
    paper = tmp_path / "bao-cao.pdf"
    result = qms(
        "report",
        "yearly",
        "--year",
        "2026",
        "-o",
        str(paper),
        "--as",
        "thu",
        env={"QMS_LANGUAGE": "vi"},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"đã ghi {paper} (")
    words = " ".join(pdf_text(paper.read_bytes()).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words
    assert "Kính gửi: Sở Khoa học và Công nghệ" in words
    assert "Cán bộ kiêm nhiệm nhiều việc" in words
    assert trail_actions(engine)[-2:] == ["yearly.decision", "yearly.report"]
    assert "yearly.draft" in trail_actions(engine)
