"""``qms capa`` and the CAPA PDFs from the command line: the whole chain from an audit
finding to a closed record, and one-line errors that change nothing."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import effective_document, snapshot
from tests.services import capa_setup as cs


def ok(qms: Invoke, *args: str, input: str | None = None) -> str:
    result = qms(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_from_an_audit_finding_to_a_closed_record(
    qms: Invoke, engine: Engine, password: str, tmp_path: Path
) -> None:
    effective_document(engine, "QT-01")
    day = cs.today(engine).isoformat()
    audit = ok(
        qms, "audit", "plan", "--dept", "MC", "--clauses", "7.5.3", "--lead", "binh",
        "--auditee", "lan", "--start", day, "--end", day,
        "--objectives", "Kiểm soát tài liệu tại Bộ phận Một cửa", "--as", "binh",
    ).split()[-1]  # fmt: skip
    ok(qms, "audit", "start", audit, "--as", "binh")
    ok(qms, "audit", "record", audit, "1", "--result", "C", "--as", "binh")
    assert ok(
        qms, "audit", "record", audit, "2", "--result", "NC_MAJOR",
        "--evidence", "Bản QT-01 lần 1 đã bị thay thế còn tại quầy số 2",
        "--finding", "Tài liệu lỗi thời chưa được thu hồi", "--as", "binh",
    ).endswith("finding F1\n")  # fmt: skip
    year = cs.today(engine).year
    ref = f"CAR-{year}-001"
    due = cs.due(engine).isoformat()

    assert ok(qms, "capa", "open", "--finding", f"{audit}/1", "--as", "binh") == (
        f"opened {ref} (major, audit_finding)\n"
    )
    assert ok(
        qms, "capa", "contain", ref.lower(), "--containment",
        "Thu hồi bản QT-01 lỗi thời tại quầy số 2", "--as", "thu",
    ) == f"{ref} contained\n"  # fmt: skip
    assert ok(
        qms, "capa", "analyse", ref,
        "--why", "Vì sao còn bản lỗi thời tại quầy?", "Vì không ai thu hồi khi có bản mới",
        "--why", "Vì sao không ai thu hồi?", "Vì QT-01 không quy định bước thu hồi",
        "--category", "documentation",
        "--root-cause", "QT-01 thiếu bước thu hồi tài liệu lỗi thời",
        "--similar", "possible", "--similar-answer", "Đã rà soát Phòng Tư pháp: không có",
        "--as", "thu",
    ) == f"{ref} cause analysed (2 whys, documentation)\n"  # fmt: skip
    assert ok(
        qms, "capa", "action", ref, "--description", "Bổ sung bước thu hồi tài liệu vào QT-01",
        "--owner", "thu", "--due", due, "--doc", "QT-01", "--as", "thu",
    ) == f"added action 1 to {ref} (due {due}); drafted QT-01 issue 2 (draft)\n"  # fmt: skip
    assert ok(
        qms, "capa", "action", ref, "--description", "Tập huấn cán bộ Một cửa về QT-01",
        "--owner", "lan", "--due", due, "--as", "thu",
    ) == f"added action 2 to {ref} (due {due})\n"  # fmt: skip
    assert ok(qms, "capa", "plan", ref, "--as", "thu") == f"{ref} actions planned\n"

    early = qms("capa", "close", ref, "--as", "thu")
    assert (early.exit_code, early.stderr) == (
        6,
        f"error: {ref} cannot be closed yet: 2 actions not done (1, 2); "
        "no effective verification\n",
    )
    not_yet = qms("capa", "done", ref, "1", "--as", "thu")
    assert not_yet.exit_code == 6
    assert "QT-01: issue 2 is draft and must take effect" in not_yet.stderr

    body = tmp_path / "QT-01.md"
    body.write_text(
        ok(qms, "doc", "show", "QT-01", "--body-only")
        + "\nBước 7: thu hồi bản lỗi thời tại Bộ phận Một cửa.\n",
        encoding="utf-8",
    )
    ok(qms, "doc", "revise", "QT-01", "--body", str(body), "--as", "thu")
    shown = ok(qms, "doc", "show", "QT-01", "--issue", "2", "--as", "thu")
    assert f"raised by corrective action {ref}\n" in shown
    assert f"reason for change: Hành động khắc phục {ref} (hành động 1): " in shown
    ok(qms, "doc", "submit", "QT-01", "--as", "thu", input=password)
    ok(qms, "doc", "review", "QT-01", "--accept", "--as", "hung", input=password)
    ok(qms, "doc", "approve", "QT-01", "--as", "hai", input=password)
    ok(qms, "doc", "publish", "QT-01", "--as", "thu")

    assert ok(
        qms, "capa", "done", ref, "1", "--note", "QT-01 lần 2 có hiệu lực", "--as", "thu"
    ) == (f"action 1 of {ref} done\n")
    verification_due = cs.today(engine) + timedelta(days=30)
    assert ok(qms, "capa", "done", ref, "2", "--note", "Đã tập huấn 12 cán bộ", "--as", "lan") == (
        f"action 2 of {ref} done; all actions done, verification due by {verification_due}\n"
    )

    owner = qms(
        "capa", "verify", ref, "--effective", "--evidence", "x", "--as", "thu", input=password
    )
    assert (owner.exit_code, owner.stderr) == (
        4,
        f"error: thu owns action 1 of {ref} and cannot verify its effectiveness\n",
    )
    assert ok(
        qms, "capa", "verify", ref, "--effective", "--evidence",
        "Kiểm tra 3 quầy ngày 10/12: không còn bản lỗi thời", "--as", "an", input=password,
    ) == f"{ref} verified effective\n"  # fmt: skip
    assert ok(qms, "capa", "close", ref, "--as", "thu").startswith(f"{ref} closed (record PDF ")

    record = tmp_path / "car.pdf"
    assert ok(qms, "pdf", "capa", ref.lower(), "-o", str(record)).startswith(
        f"wrote {record} ({ref}, closed, "
    )
    text = " ".join(cs.pdf_text(record.read_bytes()).split())
    for expected in (
        ref,
        f"{audit} / phát hiện 1 (7.5.3)",
        "Tài liệu lỗi thời chưa được thu hồi",
        "Thu hồi bản QT-01 lỗi thời tại quầy số 2",
        "Vì sao không ai thu hồi?",
        "Vì QT-01 không quy định bước thu hồi",
        "QT-01 thiếu bước thu hồi tài liệu lỗi thời",
        "Đã rà soát Phòng Tư pháp: không có",
        "QT-01 lần ban hành 2 (hiệu lực)",
        "Tập huấn cán bộ Một cửa về QT-01",
        "Trịnh Văn An",
        "Có hiệu lực",
        "Đã đóng",
    ):
        assert expected in text, expected
    info = json.loads(ok(qms, "capa", "show", ref, "--format", "json"))
    assert (info["status"], info["finding"], info["closure_problems"]) == (
        "closed",
        f"{audit}/1",
        [],
    )
    assert [a["document_change"] for a in info["actions"]] == ["QT-01 issue 2 (effective)", None]
    english = ok(qms, "capa", "show", ref)
    vietnamese = qms("capa", "show", ref, env={"QMS_LANGUAGE": "vi"}).stdout
    for line in (
        f"{ref}  closed",
        f"source audit_finding ({audit}/1), department MC, clause 7.5.3, major",
        "  why 2: Vì sao không ai thu hồi? -> Vì QT-01 không quy định bước thu hồi",
        "root cause (documentation): QT-01 thiếu bước thu hồi tài liệu lỗi thời",
        "similar elsewhere: possible: Đã rà soát Phòng Tư pháp: không có",
        f"  action 1 [done] Bổ sung bước thu hồi tài liệu vào QT-01 (thu, due {due}) "
        "-> QT-01 issue 2 (effective)",
        "    done: Đã tập huấn 12 cán bộ",
    ):
        assert line in english.splitlines()
    for line in (
        f"{ref}  Đã đóng",
        f"nguồn: Đánh giá nội bộ ({audit}/1), phòng ban MC, điều khoản 7.5.3, Nặng",
        "  vì sao 2: Vì sao không ai thu hồi? -> Vì QT-01 không quy định bước thu hồi",
        "nguyên nhân gốc rễ (Tài liệu, quy trình): QT-01 thiếu bước thu hồi tài liệu lỗi thời",
        "sự không phù hợp tương tự ở nơi khác: Có thể xảy ra: Đã rà soát Phòng Tư pháp: không có",
        f"  hành động 1 [đã hoàn thành] Bổ sung bước thu hồi tài liệu vào QT-01 (thu, hạn {due}) "
        "-> QT-01 lần ban hành 2 (hiệu lực)",
        "    kết quả thực hiện: Đã tập huấn 12 cán bộ",
    ):
        assert line in vietnamese.splitlines()
    assert "  verified effective by Trịnh Văn An (an) " in english
    assert "  đánh giá hiệu lực: có hiệu lực, bởi Trịnh Văn An (an) " in vietnamese
    assert "\nclosed by thu " in english
    assert "\nkết thúc bởi thu " in vietnamese
    controlled = tmp_path / "qt-01.pdf"
    ok(qms, "pdf", "document", "QT-01", "-o", str(controlled))
    assert ref in " ".join(cs.pdf_text(controlled.read_bytes()).split())
    locked = qms("capa", "contain", ref, "--containment", "x", "--as", "thu")
    assert (locked.exit_code, locked.stderr) == (6, f"error: {ref} is closed and locked\n")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("capa", "action", "{ref}", "--description", "Làm gì đó", "--due", "{due}"),
            2,
            "every action needs an owner (--owner)",
        ),
        (
            ("capa", "action", "{ref}", "--description", "Làm gì đó", "--owner", "lan"),
            2,
            "every action needs a due date (--due)",
        ),
        (
            (
                "capa",
                "action",
                "{ref}",
                "--description",
                "x",
                "--owner",
                "lan",
                "--due",
                "2020-01-01",
            ),
            2,
            "the due date 2020-01-01 is in the past (today is {today})",
        ),
        (("capa", "plan", "CAR-2020-001"), 3, "no corrective action CAR-2020-001"),
        (
            ("capa", "contain", "{ref}", "--containment", "x"),
            6,
            "{ref} is cause analysed; recording the correction needs it to be open",
        ),
        (
            ("capa", "open", "--source", "complaint", "--dept", "MC", "--severity", "minor"),
            2,
            "describe the nonconformity (--description)",
        ),
    ],
)
def test_errors_are_one_line_and_change_nothing(
    qms: Invoke, engine: Engine, args: tuple[str, ...], code: int, message: str
) -> None:
    ref = cs.analysed(engine)
    values = {"ref": ref, "due": cs.due(engine).isoformat(), "today": cs.today(engine).isoformat()}
    before = snapshot(engine)
    result = qms(*(a.format(**values) for a in args), "--as", "thu")
    assert (result.exit_code, result.stderr, result.stdout) == (
        code,
        f"error: {message.format(**values)}\n",
        "",
    )
    assert snapshot(engine) == before


def test_verify_needs_a_verdict(qms: Invoke, engine: Engine, password: str) -> None:
    ref = cs.planned(engine)
    cs.done(engine, ref)
    result = qms("capa", "verify", ref, "--evidence", "x", "--as", "an", input=password)
    assert result.exit_code == 2
    assert "choose --effective or --not-effective" in result.stderr
    reopened = qms(
        "capa", "verify", ref, "--not-effective", "--evidence", "Còn trễ hẹn", "--as", "an",
        input=password,
    )  # fmt: skip
    assert reopened.stdout == f"{ref} not effective: the plan is reopened, add new actions\n"


def test_list_show_and_overdue(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    late = cs.planned(engine, owners=("lan", "hung"))
    fresh = cs.open_complaint(engine, department="TP", description="Phản ánh\nchi tiết")
    cs.pass_days(engine, "capa_action", "due_date", 20)
    listed = ok(qms, "capa", "list").splitlines()
    assert listed[0].split() == [
        "REF", "DEPT", "SEVERITY", "STATUS", "AGE", "OPEN", "OVERDUE", "DESCRIPTION",
    ]  # fmt: skip
    assert listed[1].split()[:7] == [late, "MC", "minor", "actions_planned", "0d", "2", "2"]
    assert listed[2].split() == [fresh, "TP", "minor", "open", "0d", "0", "Phản", "ánh"]
    rows = json.loads(ok(qms, "capa", "list", "--status", "open", "--format", "json"))
    assert [r["ref"] for r in rows] == [fresh]

    shown = ok(qms, "capa", "show", late)
    assert "  why 1: Vì sao hồ sơ trả trễ hẹn? -> Vì phòng chuyên môn chuyển lại muộn\n" in shown
    assert "action 1 [open OVERDUE] Phân công lan theo dõi thời hạn hồ sơ (lan, due " in shown
    assert "to close: 2 actions not done (1, 2); no effective verification\n" in shown

    overdue = ok(qms, "capa", "overdue")
    assert "MC / Nguyễn Thị Lan (lan):\n" in overdue
    assert f"  {late} action 2: Phân công hung theo dõi thời hạn hồ sơ " in overdue
    assert "6 days late" in overdue
    mine = json.loads(ok(qms, "capa", "overdue", "--owner", "hung", "--format", "json"))
    assert [(a["ref"], a["number"], a["owner"]) for a in mine["actions"]] == [(late, 2, "hung")]
    assert ok(qms, "capa", "overdue", "--dept", "TP") == f"nothing overdue on {cs.today(engine)}\n"
    vi = {"QMS_LANGUAGE": "vi"}
    listed_vi = qms("capa", "list", "--status", "open", env=vi).output.splitlines()
    assert listed_vi[1].split()[:5] == [fresh, "TP", "Nhẹ", "Mới", "mở"]
    assert "0 ngày" in listed_vi[1]
    day = cs.today(engine)
    assert qms("capa", "overdue", "--dept", "TP", env=vi).output == (
        f"không có việc quá hạn tính đến ngày {day:%d/%m/%Y}\n"
    )
    overdue_vi = qms("capa", "overdue", env=vi).output
    assert f"  {late}: hành động 2: Phân công hung theo dõi thời hạn hồ sơ " in overdue_vi
    assert "trễ 6 ngày)" in overdue_vi
    assert "days late" not in overdue_vi

    register = tmp_path / "register.pdf"
    assert ok(qms, "pdf", "capa-register", "--lang", "en", "-o", str(register)).startswith(
        f"wrote {register} ("
    )
    text = " ".join(cs.pdf_text(register.read_bytes()).split())
    assert late in text
    assert fresh in text


def test_show_says_which_steps_the_user_may_take(qms: Invoke, engine: Engine) -> None:
    ref = cs.planned(engine, owners=("lan", "hung"))
    assert ok(qms, "capa", "show", ref, "--as", "thu").endswith(
        "Steps you may take: add_action, change_document, done 1, done 2\n"
    )
    assert ok(qms, "capa", "show", ref, "--as", "lan").endswith("Steps you may take: done 1\n")
    vi = qms("capa", "show", ref, "--as", "binh", env={"QMS_LANGUAGE": "vi"})
    assert vi.stdout.endswith("Bước có thể thực hiện: -\n")
    assert "Steps you may take" not in ok(qms, "capa", "show", ref)  # no viewer, no steps
