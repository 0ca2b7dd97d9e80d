"""``qms records`` from the command line: the list read from a procedure, an unreadable
table named by code and line on publish and by ``check``, a batch kept and disposed of,
and refusals as one line on stderr that change nothing."""

import json

from sqlalchemy.engine import Engine

from qms.services.documents import revisions
from tests.cli.conftest import Invoke
from tests.helpers import act, new_draft, snapshot
from tests.seed import PASSWORD

BODY = (
    "# 1. Mục đích\n\nQuy định việc đánh giá nội bộ.\n\n"
    "# 7. HỒ SƠ CẦN LƯU\n\n"
    "| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |\n"
    "|---|---|---|---|\n"
    "| 1 | Báo cáo đánh giá nội bộ | Văn phòng (TKISO) | 05 năm |\n"
    "| 2 | Danh mục kiểm tra | Văn phòng |\n"
)


def ok(qms: Invoke, *args: str) -> str:
    result = qms(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_list_the_check_and_a_disposal(qms: Invoke, engine: Engine) -> None:
    new_draft(engine, "QT-03", body=BODY)
    act(engine, revisions.submit, "thu", code="QT-03", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-03", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-03", password=PASSWORD)
    published = qms("doc", "publish", "QT-03", "--as", "thu")
    assert published.exit_code == 0
    assert published.stdout == "QT-03 issue 1 is now effective\n"
    warning = "warning: QT-03 issue 1, line 10: the row has 3 cells where the header has 4\n"
    assert published.stderr == warning

    checked = qms("records", "check")
    assert (checked.exit_code, checked.stdout) == (1, warning)
    listed = json.loads(ok(qms, "records", "list", "--format", "json"))
    assert [(r["name"], r["source"], r["retention_years"]) for r in listed] == [
        ("Báo cáo đánh giá nội bộ", "QT-03", 5)
    ]
    line = str(listed[0]["id"])
    assert ok(qms, "records", "keep", line, "--year", "2019", "--count", "3", "--as", "thu") == (
        "kept batch 1 (2019)\n"
    )
    due = json.loads(ok(qms, "records", "due", "--format", "json"))
    assert [(b["id"], b["due_from"]) for b in due] == [(1, "2025-01-01")]

    before = snapshot(engine)
    refused = qms("records", "dispose", "1", "--approved-by", "thu", "--method", "Máy hủy",
                  "--as", "thu")  # fmt: skip
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: the disposal is approved by someone other than the person who records it "
        "(--approved-by)\n"
    )
    assert snapshot(engine) == before
    assert ok(
        qms, "records", "dispose", "1", "--approved-by", "hai", "--method", "Máy hủy",
        "--as", "thu",
    ) == "batch 1 disposed of on 2026-12-04\n"  # fmt: skip
    assert json.loads(ok(qms, "records", "due", "--format", "json")) == []


def test_a_batch_within_retention_is_not_disposed_of(qms: Invoke, engine: Engine) -> None:
    added = ok(qms, "records", "add", "--name", "Sổ công văn đến", "--retention", "10 năm",
               "--dept", "VP", "--as", "thu")  # fmt: skip
    assert added == "added line 1: Sổ công văn đến\n"
    ok(qms, "records", "keep", "1", "--year", "2020", "--as", "thu")
    before = snapshot(engine)
    refused = qms("records", "dispose", "1", "--approved-by", "hai", "--method", "Máy hủy",
                  "--as", "thu")  # fmt: skip
    assert refused.exit_code == 7
    assert refused.stderr == (
        "error: Sổ công văn đến of 2020 is within its retention (10 năm) until 2031-01-01: "
        "it cannot be disposed of before\n"
    )
    assert snapshot(engine) == before
    vietnamese = qms("records", "dispose", "1", "--approved-by", "hai", "--method", "x",
                     "--as", "thu", env={"QMS_LANGUAGE": "vi"})  # fmt: skip
    assert vietnamese.stderr == (
        "error: Sổ công văn đến năm 2020 còn trong thời gian lưu (10 năm) đến ngày 01/01/2031: "
        "không được hủy trước ngày đó\n"
    )
