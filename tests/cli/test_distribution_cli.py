"""``qms doc distribution``, ``qms doc readers`` and ``qms doc remind``."""

import json

from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import effective_document, new_draft, revise, snapshot, to_effective


def test_a_coordinator_lists_a_document_follows_its_readers_and_reminds_them(
    qms: Invoke, engine: Engine
) -> None:
    new_draft(engine, "QT-01")
    added = qms("doc", "distribution", "add", "QT-01", "--department", "MC", "--as", "thu")
    assert added.exit_code == 0, added.output
    assert added.output == "QT-01: department MC added to the distribution\n"
    assert qms("doc", "distribution", "add", "qt-01", "--user", "mai", "--as", "thu").exit_code == 0
    listed = qms("doc", "distribution", "list", "QT-01", "--format", "json")
    assert json.loads(listed.output) == [
        {"kind": "department", "name": "MC", "label": "Bộ phận Một cửa"},
        {"kind": "user", "name": "mai", "label": "Đỗ Thị Thanh Mai"},
    ]
    to_effective(engine, "QT-01")
    assert qms("doc", "ack", "QT-01", "--as", "lan").exit_code == 0

    shown = qms("doc", "readers", "QT-01", "--as", "nam")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "QT-01 issue 1: 1 of 3 read, due 2026-12-18"
    assert [line.split()[:2] for line in lines[2:]] == [["MC", "an"], ["MC", "lan"], ["TP", "mai"]]
    unread = json.loads(
        qms("doc", "readers", "QT-01", "--unread", "--as", "nam", "--format", "json").output
    )
    assert (unread["read"], unread["unread"], unread["overdue"]) == (1, 2, False)
    assert [r["username"] for r in unread["readers"]] == ["an", "mai"]

    reminded = qms("doc", "remind", "QT-01", "--as", "nam")
    assert reminded.output == "QT-01 issue 1: 2 not yet read, reminded\n"

    removed = qms("doc", "distribution", "remove", "QT-01", "--user", "mai", "--as", "thu")
    assert removed.output == "QT-01: user mai removed from the distribution\n"


def test_refusals_are_one_line_and_change_nothing(qms: Invoke, engine: Engine) -> None:
    new_draft(engine, "QT-02")
    before = snapshot(engine)
    for args, code, message in [
        (("add", "QT-02", "--role", "staff", "--as", "lan"), 4, "needs the controller role"),
        (("add", "QT-02", "--as", "thu"), 2, "name one department, one role or one person"),
        (("add", "QT-02", "--role", "boss", "--as", "thu"), 2, "no role 'boss'"),
        (("remove", "QT-02", "--user", "lan", "--as", "thu"), 3, "lan is not on the distribution"),
    ]:
        result = qms("doc", "distribution", *args)
        assert result.exit_code == code, result.output
        assert message in result.stderr
        assert len(result.stderr.splitlines()) == 1
    no_issue = qms("doc", "readers", "QT-02", "--as", "nam")
    assert no_issue.exit_code == 3
    assert "QT-02 has no effective issue to read" in no_issue.stderr
    assert qms("doc", "remind", "QT-02", "--as", "lan").exit_code == 4
    assert snapshot(engine) == before


def test_paper_copies_are_registered_listed_and_recalled(qms: Invoke, engine: Engine) -> None:
    effective_document(engine, "QT-05")
    made = qms("doc", "copies", "register", "QT-05", "--holder", "Quầy 2", "--as", "thu")
    assert made.output == "QT-05 issue 1: paper copy 1 held by Quầy 2\n"
    early = qms("doc", "copies", "recall", "QT-05", "--issue", "1", "--copy", "1", "--as", "thu")
    assert early.exit_code == 6
    assert early.stderr.strip().endswith(
        "QT-05 issue 1 is still in force: its copies are not recalled"
    )
    revise(engine, "QT-05")
    to_effective(engine, "QT-05")
    listed = json.loads(qms("doc", "copies", "list", "QT-05", "--format", "json").output)
    assert [(c["issue"], c["copy"], c["to_recall"]) for c in listed] == [(1, 1, True)]
    done = qms("doc", "copies", "recall", "QT-05", "--issue", "1", "--copy", "1", "--as", "thu")
    assert done.output == "QT-05 issue 1: paper copy 1 recalled\n"
    table = qms("doc", "copies", "list", "QT-05").output.splitlines()
    assert table[1].split()[:3] == ["1", "1", "Quầy"]
    assert "TO RECALL" not in table[1]


def test_the_commands_speak_the_readers_language(qms: Invoke, engine: Engine) -> None:
    vi = {"QMS_LANGUAGE": "vi"}
    new_draft(engine, "QT-03")
    added = qms("doc", "distribution", "add", "QT-03", "--role", "auditor", "--as", "thu", env=vi)
    assert added.output == "QT-03: đã thêm vai trò auditor vào danh sách nơi nhận\n"
    listed = qms("doc", "distribution", "list", "QT-03", env=vi).output.splitlines()
    assert listed[0].split() == ["LOẠI", "TÊN", "TÊN", "ĐẦY", "ĐỦ"]
    assert listed[1].split() == ["vai", "trò", "auditor", "auditor"]
    to_effective(engine, "QT-03")
    shown = qms("doc", "readers", "QT-03", "--as", "nam", env=vi).output.splitlines()
    assert shown[0] == "QT-03 lần ban hành 1: 0/2 người đã đọc, hạn 2026-12-18"
    assert shown[1].split()[:2] == ["PHÒNG", "BAN"]
    reminded = qms("doc", "remind", "QT-03", "--as", "nam", env=vi)
    assert reminded.output == "QT-03 lần ban hành 1: 2 người chưa đọc, đã được nhắc\n"
    made = qms("doc", "copies", "register", "QT-03", "--holder", "Quầy 2", "--as", "thu", env=vi)
    assert made.output == "QT-03 lần ban hành 1: bản giấy số 1 do Quầy 2 giữ\n"
    removed = qms(
        "doc", "distribution", "remove", "QT-03", "--role", "auditor", "--as", "thu", env=vi
    )
    assert removed.output == "QT-03: đã đưa vai trò auditor ra khỏi danh sách nơi nhận\n"
