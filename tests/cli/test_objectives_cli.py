"""``qms objective`` and ``qms data`` from the command line: draft, sign, measure, import
real files, and bad input as one line on stderr that changes nothing."""

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import effective_document, snapshot
from tests.services import objectives_setup as obj


def ok(qms: Invoke, *args: str, input: str | None = None) -> str:
    result = qms(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_objective_from_draft_to_a_nonconformity(
    qms: Invoke, password: str, tmp_path: Path
) -> None:
    assert ok(
        qms, "objective", "add", "--year", "2026", "--dept", "MC",
        "--indicator", "Hồ sơ trả đúng hẹn", "--unit", "%", "--target", "98",
        "--direction", "at_least", "--frequency", "quarterly", "--owner", "hung",
        "--plan-what", "Theo dõi hằng ngày", "--as", "thu",
    ) == "drafted MT-2026-01 version 1\n"  # fmt: skip
    assert ok(qms, "objective", "approve", "MT-2026-01", "--as", "hai", input=password) == (
        "MT-2026-01 version 1 approved\n"
    )
    evidence = tmp_path / "bao-cao-q3.txt"
    evidence.write_text("Quý III: 95%", encoding="utf-8")
    assert ok(
        qms, "objective", "result", "MT-2026-01", "--period", "2026-Q3", "--value", "95",
        "--evidence", str(evidence), "--as", "hung",
    ) == "MT-2026-01 2026-Q3: 95 (not met)\n"  # fmt: skip
    assert ok(
        qms, "objective", "nonconformity", "mt-2026-01", "--period", "2026-Q3", "--as", "hung"
    ) == ("opened CAR-2026-001\n")
    shown = json.loads(ok(qms, "objective", "show", "MT-2026-01", "--format", "json"))
    assert (shown["status"], shown["approved_by"], shown["signature_valid"]) == (
        "approved",
        "hai",
        True,
    )
    assert [(r["period"], r["met"], r["nonconformity"]) for r in shown["results"]] == [
        ("2026-Q3", False, "CAR-2026-001")
    ]
    assert shown["results"][0]["evidence_name"] == "bao-cao-q3.txt"
    listed = ok(qms, "objective", "list", "--year", "2026")
    assert "MT-2026-01" in listed
    assert "2026-Q3 95 not met" in listed


def test_importing_statistics_and_a_survey(qms: Invoke, tmp_path: Path) -> None:
    stats = tmp_path / "thong-ke.xlsx"
    stats.write_bytes(obj.xlsx_bytes(obj.quarter(late={"2026-09": 7})))
    assert ok(qms, "data", "import", "dossiers", str(stats), "--as", "thu").splitlines() == [
        "imported 3 rows from thong-ke.xlsx (2026-07, 2026-08, 2026-09)",
        "opened CAR-2026-001",
    ]
    assert ok(qms, "data", "import", "dossiers", str(stats), "--as", "thu").startswith(
        "thong-ke.xlsx was imported before"
    )
    rates = json.loads(ok(qms, "data", "on-time", "--year", "2026", "--format", "json"))
    assert [(r["period"], r["group"], r["late"], r["rate"]) for r in rates] == [
        ("2026-Q3", "Tư pháp - Hộ tịch", 7, 96.26)
    ]
    survey = tmp_path / "khao-sat.csv"
    survey.write_bytes(
        obj.csv_bytes([["2026-Q3", "Đất đai", "Câu 1", 5, 4, 1, 0]], obj.SURVEY_HEADERS)
    )
    assert ok(qms, "data", "import", "satisfaction", str(survey), "--as", "thu").startswith(
        "imported 1 rows from khao-sat.csv (2026-Q3)"
    )
    assert "2026-Q3  Đất đai  10       9          90.00" in ok(qms, "data", "satisfaction")


def test_a_bad_file_is_one_line_on_stderr_and_changes_nothing(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    bad = tmp_path / "thong-ke.csv"
    rows = obj.quarter()
    rows[1][7] = -4
    bad.write_bytes(obj.csv_bytes(rows))
    before = snapshot(engine)
    result = qms("data", "import", "dossiers", str(bad), "--as", "thu")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: thong-ke.csv, row 3, column Đúng hạn: the count -4 is negative\n"
    )
    big = tmp_path / "lon.csv"
    big.write_bytes(obj.csv_bytes(obj.quarter() * 40))
    result = qms(
        "data", "import", "dossiers", str(big), "--as", "thu",
        env={"QMS_IMPORT_MAX_BYTES": "2048"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "larger than 2,048 bytes" in result.stderr
    assert snapshot(engine) == before


def test_the_commands_answer_in_vietnamese(qms: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "khao-sat.csv"
    bad.write_bytes(
        obj.csv_bytes([["2027-Q1", "Đất đai", "Câu 1", 1, 1, 1, 1]], obj.SURVEY_HEADERS)
    )
    result = qms(
        "data", "import", "satisfaction", str(bad), "--as", "thu", env={"QMS_LANGUAGE": "vi"}
    )
    assert result.stderr == (
        "error: khao-sat.csv, dòng 2, cột Kỳ báo cáo: kỳ 2027-Q1 là kỳ trong tương lai\n"
    )


def test_complaints_are_recorded_listed_and_become_nonconformities(qms: Invoke) -> None:
    assert ok(
        qms, "data", "feedback", "add", "--kind", "complaint", "--received", "2026-10-12",
        "--dept", "TP", "--summary", "Phải đi lại ba lần", "--as", "lan",
    ) == "recorded PA-2026-001\n"  # fmt: skip
    assert ok(qms, "data", "feedback", "nonconformity", "PA-2026-001", "--as", "thu") == (
        "opened CAR-2026-001\n"
    )
    listed = json.loads(ok(qms, "data", "feedback", "list", "--year", "2026", "--format", "json"))
    assert [(f["ref"], f["nonconformity"]) for f in listed] == [("PA-2026-001", "CAR-2026-001")]


def test_an_objective_is_drawn_to_an_svg_file(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    ref = obj.approved(engine)
    ok(qms, "objective", "result", ref, "--period", "2026-Q2", "--value", "96", "--as", "hung")
    out = tmp_path / "chart.svg"
    assert ok(qms, "objective", "chart", ref, "--out", str(out), "--lang", "en") == (
        f"wrote {out}\n"
    )
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert "<script" not in svg
    for words in ("2026-Q2", "Result", "Target", '<desc class="value">96</desc>'):
        assert words in svg
    refused = qms("objective", "chart", "MT-2026-99", "--out", str(tmp_path / "x.svg"))
    assert refused.exit_code == 3
    assert refused.stderr.strip() == "error: no quality objective MT-2026-99"
    assert not (tmp_path / "x.svg").exists()


def test_an_import_reports_in_vietnamese(qms: Invoke, tmp_path: Path) -> None:
    stats = tmp_path / "thong-ke.csv"
    stats.write_bytes(obj.csv_bytes(obj.quarter(late={"2026-09": 7})))
    vi = {"QMS_LANGUAGE": "vi"}
    imported = qms("data", "import", "dossiers", str(stats), "--as", "thu", env=vi)
    assert imported.stdout.splitlines() == [
        "đã nhập 3 dòng từ thong-ke.csv (2026-07, 2026-08, 2026-09)",
        "đã mở phiếu CAR-2026-001",
    ]
    again = qms("data", "import", "dossiers", str(stats), "--as", "thu", env=vi)
    assert again.stdout.startswith("thong-ke.csv đã được nhập trước đây (lần nhập ")


def test_an_objective_is_reported_in_vietnamese(qms: Invoke, password: str) -> None:
    vi = {"QMS_LANGUAGE": "vi"}
    drafted = qms(
        "objective", "add", "--year", "2026", "--dept", "MC",
        "--indicator", "Hồ sơ trả đúng hẹn", "--unit", "%", "--target", "98",
        "--direction", "at_least", "--frequency", "quarterly", "--owner", "hung",
        "--plan-what", "Theo dõi hằng ngày", "--as", "thu", env=vi,
    )  # fmt: skip
    assert drafted.stdout == "đã soạn dự thảo MT-2026-01 phiên bản 1\n"
    assert ok(qms, "objective", "approve", "MT-2026-01", "--as", "hai", input=password)
    result = qms(
        "objective", "result", "MT-2026-01", "--period", "2026-Q3", "--value", "95",
        "--as", "hung", env=vi,
    )  # fmt: skip
    assert result.stdout == "MT-2026-01 2026-Q3: 95 (không đạt)\n"
    car = qms(
        "objective", "nonconformity", "MT-2026-01", "--period", "2026-Q3", "--as", "hung", env=vi
    )
    assert car.stdout == "đã mở phiếu CAR-2026-001\n"


def test_show_says_when_the_document_in_force_lists_an_older_objective(
    qms: Invoke, engine: Engine
) -> None:
    effective_document(engine, "MT-01")
    ref = obj.approved(engine, document="MT-01")
    hint = "the MT-01 issue in force (1) lists older objectives: revise MT-01 to issue them"
    assert hint in ok(qms, "objective", "show", ref).splitlines()
    shown = json.loads(ok(qms, "objective", "show", ref, "--format", "json"))
    assert (shown["document"], shown["document_issue"], shown["document_lists_older"]) == (
        "MT-01",
        1,
        True,
    )
    vi = qms("objective", "show", ref, env={"QMS_LANGUAGE": "vi"}).stdout
    assert (
        "lần ban hành đang có hiệu lực của MT-01 (lần 1) liệt kê các mục tiêu cũ hơn: "
        "hãy sửa đổi MT-01 để ban hành các mục tiêu đã phê duyệt"
    ) in vi.splitlines()
