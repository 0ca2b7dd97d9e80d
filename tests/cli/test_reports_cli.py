"""Reports and exports from the command line: the quarterly report written to a file, a
workbook written to a file, and a bad quarter or a reader without the right as one line
on stderr, with no file written and nothing recorded."""

import io
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import snapshot
from tests.services.reports_setup import a_year_of_measurements


def test_the_quarterly_report_and_the_exports(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    year = a_year_of_measurements(engine)
    out = tmp_path / "bao-cao-quy-3.pdf"
    result = qms("objective", "report", "--quarter", "2026-q3", "-o", str(out), "--as", "thu")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out} (")
    first = " ".join(PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG QUÝ III/2026" in first
    for command in (("objective", "export", "--year", "2026"), ("risk", "export"),
                    ("data", "export", "--year", "2026")):  # fmt: skip
        sheet = tmp_path / f"{command[0]}.xlsx"
        result = qms(*command, "--format", "xlsx", "-o", str(sheet), "--as", "thu")
        assert result.exit_code == 0, result.output
        assert load_workbook(sheet).sheetnames
    objectives = load_workbook(tmp_path / "objective.xlsx")["Mục tiêu"]
    assert objectives["A2"].value == year["desk"]


def test_bad_input_and_refusals_write_nothing(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    a_year_of_measurements(engine)
    before = snapshot(engine)
    out = tmp_path / "x.pdf"
    cases = [
        (("objective", "report", "--quarter", "2026-08", "--as", "thu"), 2,
         "error: '2026-08' is not a quarter: write it as 2026-Q3\n"),
        (("objective", "report", "--quarter", "2026-Q3", "--as", "lan"), 4,
         "error: lan cannot print this report: it needs the controller, approver or admin "
         "role, or a reviewer of the department it covers\n"),
        (("risk", "pdf", "--dept", "MC", "--as", "mai"), 4, "error: mai cannot print"),
        (("data", "export", "--as", "mai"), 4,
         "error: mai cannot export the one-stop desk's figures: they cover every department\n"),
        (("objective", "pdf", "--dept", "XX", "--as", "thu"), 3, "error: "),
    ]  # fmt: skip
    for args, code, message in cases:
        result = qms(*args, "-o", str(out))
        assert (result.exit_code, result.stdout) == (code, ""), args
        assert result.stderr.startswith(message), result.stderr
        assert result.stderr.count("\n") == 1
        assert not out.exists()
    assert snapshot(engine) == before
