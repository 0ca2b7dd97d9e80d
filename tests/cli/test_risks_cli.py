"""``qms risk`` from the command line: a register kept from entry to closing, the matrix
drawn to a file, and bad input as one line on stderr that changes nothing."""

import json
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import snapshot
from tests.pinned_clock import days_from_today

IN_90_DAYS = f"{days_from_today(90):%Y-%m-%d}"
ENTRY = (
    "risk", "add", "--dept", "MC", "--process", "Tiếp nhận hồ sơ",
    "--title", "Hồ sơ trễ hẹn do thiếu người tiếp nhận", "--likelihood", "4",
    "--impact", "4", "--treatment", "reduce", "--next-review", IN_90_DAYS,
)  # fmt: skip


def ok(qms: Invoke, *args: str) -> str:
    result = qms(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_risk_from_entry_to_closing(qms: Invoke, tmp_path: Path) -> None:
    assert ok(qms, *ENTRY, "--as", "thu") == "added RR-001 (risk, level high)\n"
    assert ok(
        qms, "risk", "add", "--kind", "opportunity", "--dept", "TP",
        "--title", "Dịch vụ công trực tuyến toàn trình", "--likelihood", "3", "--impact", "2",
        "--treatment", "exploit", "--next-review", IN_90_DAYS, "--as", "mai",
    ) == "added RR-002 (opportunity, level medium)\n"  # fmt: skip
    due = f"{days_from_today(10):%Y-%m-%d}"
    assert ok(
        qms, "risk", "action", "rr-001", "--what", "Phân công cán bộ dự phòng",
        "--owner", "lan", "--due", due, "--as", "thu",
    ) == f"RR-001 action 1 (due {due})\n"  # fmt: skip
    assert ok(qms, "risk", "done", "RR-001", "1", "--as", "lan") == "RR-001 action 1 done\n"
    assert ok(
        qms, "risk", "review", "RR-001", "--after", "2", "3",
        "--next-review", f"{days_from_today(180):%Y-%m-%d}", "--as", "thu",
    ) == f"RR-001: level high, after treatment medium; next review {days_from_today(180)}\n"  # fmt: skip
    listed = json.loads(ok(qms, "risk", "list", "--format", "json", "--as", "mai"))
    assert [(r["ref"], r["level"], r["residual_level"], r["steps"]) for r in listed] == [
        ("RR-001", "high", "medium", []),
        ("RR-002", "medium", "", ["review", "action"]),
    ]
    table = ok(qms, "risk", "list", "--dept", "MC").splitlines()
    assert table[0].split() == [
        "REF", "DEPT", "KIND", "TITLE", "LEVEL", "TREATMENT", "AFTER", "REVIEW", "ACTIONS"
    ]  # fmt: skip
    assert table[1].startswith("RR-001  MC    risk  Hồ sơ trễ hẹn")
    assert table[1].endswith(f"4x4 high  reduce     2x3 medium  {days_from_today(180)}  1/1")
    svg = tmp_path / "ma-tran.svg"
    assert ok(qms, "risk", "matrix", "--out", str(svg)) == f"wrote {svg} (2 entries)\n"
    root = etree.fromstring(svg.read_bytes(), etree.XMLParser(resolve_entities=False))
    words = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"RR-001", "RR-002", "Khả năng xảy ra"} <= set(words)
    assert ok(qms, "risk", "review", "RR-002", "--close", "--as", "mai") == "closed RR-002\n"
    assert [r["ref"] for r in json.loads(ok(qms, "risk", "list", "--format", "json"))] == ["RR-001"]
    assert ok(qms, "risk", "overdue") == "DUE  WHAT  REF  DEPT  OWNER  TITLE\n"


def test_a_risk_is_reported_in_vietnamese(qms: Invoke) -> None:
    vi = {"QMS_LANGUAGE": "vi"}
    assert qms(*ENTRY, "--as", "thu", env=vi).stdout == "đã thêm RR-001 (rủi ro, mức cao)\n"
    due = f"{days_from_today(10):%Y-%m-%d}"
    added = qms(
        "risk", "action", "RR-001", "--what", "Phân công cán bộ dự phòng", "--owner", "lan",
        "--due", due, "--as", "thu", env=vi,
    )  # fmt: skip
    assert added.stdout == f"RR-001: hành động 1 (hạn {due})\n"
    done = qms("risk", "done", "RR-001", "1", "--as", "lan", env=vi)
    assert done.stdout == "RR-001: hành động 1 đã hoàn thành\n"
    review = f"{days_from_today(180):%Y-%m-%d}"
    reviewed = qms(
        "risk", "review", "RR-001", "--after", "2", "3", "--next-review", review,
        "--as", "thu", env=vi,
    )  # fmt: skip
    assert reviewed.stdout == (
        f"RR-001: mức cao, sau xử lý trung bình; xem xét lại ngày {review}\n"
    )


def test_the_scale_is_shown_and_set_by_the_coordinator(qms: Invoke) -> None:
    assert ok(qms, "risk", "scale") == "5x5:5,12\n"
    assert ok(qms, "risk", "scale", "4x4:4,9", "--as", "thu") == "4x4:4,9\n"
    assert ok(qms, "risk", "scale") == "4x4:4,9\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((*ENTRY, "--as", "lan"), 4, "lan cannot change the risks of MC"),
        ((*ENTRY[:-2], "--next-review", "2026-12-04", "--as", "thu"), 2, "after today"),
        (
            (*ENTRY[:8], "--likelihood", "9", *ENTRY[10:], "--as", "thu"),
            2,
            "likelihood runs from 1 to 5",
        ),
        (("risk", "review", "RR-404", "--next-review", IN_90_DAYS, "--as", "thu"), 3, "RR-404"),
        (("risk", "scale", "5x5:12,5", "--as", "thu"), 2, "thresholds"),
        (("risk", "scale", "4x4:4,9", "--as", "hung"), 4, "controller"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    qms: Invoke, engine: Engine, args: tuple[str, ...], code: int, message: str
) -> None:
    before = snapshot(engine)
    result = qms(*args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert snapshot(engine) == before
