"""QMS_LANGUAGE: the command line's refusals in English by default, in Vietnamese on
request, with the same exit codes; an unknown language is refused in one line."""

import json
import re
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.cli.test_cli import register
from tests.helpers import effective_document, snapshot
from tests.services import capa_setup as cs

VI = {"QMS_LANGUAGE": "vi"}


def test_a_refusal_in_vietnamese_keeps_its_exit_code(
    qms: Invoke, engine: Engine, password: str, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    qms("doc", "submit", "QT-20", "--as", "thu", input=password)
    qms("doc", "review", "QT-20", "--accept", "--as", "quang", input=password)
    before = snapshot(engine)
    english = qms("doc", "approve", "QT-20", "--as", "quang", input=password)
    vietnamese = qms("doc", "approve", "QT-20", "--as", "quang", input=password, env=VI)
    assert (english.exit_code, english.stderr) == (
        4,
        "error: quang reviewed QT-20 issue 1; approval needs a second person\n",
    )
    assert (vietnamese.exit_code, vietnamese.stdout) == (4, "")
    assert vietnamese.stderr == (
        "error: quang đã xem xét QT-20 lần ban hành 1; "
        "việc phê duyệt phải do người khác thực hiện\n"
    )
    assert snapshot(engine) == before


def test_phrases_inside_a_refusal_are_translated_too(qms: Invoke, tmp_path: Path) -> None:
    register(qms, tmp_path)
    result = qms("doc", "submit", "QT-20", "--as", "lan", input="x\n", env={"QMS_LANGUAGE": "VI"})
    assert result.exit_code == 4
    assert result.stderr == "error: chỉ người soạn thảo QT-20 lần ban hành 1 mới được trình\n"
    missing = qms("doc", "show", "QT-99", "--as", "lan", env=VI)
    assert (missing.exit_code, missing.stderr) == (
        3,
        "error: không có tài liệu mã hiệu QT-99\n",
    )


def test_english_is_the_default_and_can_be_asked_for(qms: Invoke) -> None:
    default = qms("doc", "show", "QT-99", "--as", "lan")
    chosen = qms("doc", "show", "QT-99", "--as", "lan", env={"QMS_LANGUAGE": "en"})
    assert default.stderr == chosen.stderr == "error: no document with code QT-99\n"
    assert default.exit_code == chosen.exit_code == 3


def test_an_unknown_language_is_refused_in_one_line(qms: Invoke, engine: Engine) -> None:
    before = snapshot(engine)
    result = qms("doc", "show", "QT-99", "--as", "lan", env={"QMS_LANGUAGE": "fr"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: QMS_LANGUAGE must be one of vi, en, not 'fr'\n"
    assert snapshot(engine) == before


def test_the_help_names_the_setting(qms: Invoke) -> None:
    assert "QMS_LANGUAGE=vi" in qms("--help").stdout


def test_numbers_in_a_refusal_are_grouped_the_languages_way(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    big = tmp_path / "big.md"
    big.write_text("# 1. Mục đích\n\n" + "x" * 2_000_000, encoding="utf-8")
    before = snapshot(engine)
    args = ("doc", "new", "QT-21", "--title", "Quy trình", "--type", "procedure", "--dept", "VP")
    english = qms(*args, "--body", str(big), "--as", "thu")
    vietnamese = qms(*args, "--body", str(big), "--as", "thu", env=VI)
    assert english.stderr == "error: the body is longer than 2,000,000 characters\n"
    assert vietnamese.stderr == "error: nội dung dài quá 2.000.000 ký tự\n"
    assert (english.exit_code, vietnamese.exit_code) == (2, 2)
    assert snapshot(engine) == before


def test_the_lifecycle_reports_each_step_in_vietnamese(
    qms: Invoke, password: str, tmp_path: Path
) -> None:
    body = tmp_path / "body.md"
    body.write_text("# 1. Mục đích\n\nThời hạn giải quyết 02 ngày làm việc.\n", encoding="utf-8")
    new = qms(
        "doc", "new", "QT-20", "--title", "Quy trình tiếp nhận phản ánh", "--type", "procedure",
        "--dept", "VP", "--body", str(body), "--as", "thu", env=VI,
    )  # fmt: skip
    assert (new.exit_code, new.stdout) == (0, "đã đăng ký QT-20; lần ban hành 1 là Dự thảo\n")
    submitted = qms("doc", "submit", "QT-20", "--as", "thu", input=password, env=VI)
    assert submitted.stdout == "QT-20 lần ban hành 1 đã được trình xem xét\n"
    returned = qms(
        "doc", "review", "QT-20", "--return", "--comment", "Bổ sung bước 3", "--as", "hung",
        env=VI,
    )  # fmt: skip
    assert returned.stdout == "QT-20 lần ban hành 1 đã được trả lại người soạn thảo\n"
    qms("doc", "submit", "QT-20", "--as", "thu", input=password)
    reviewed = qms("doc", "review", "QT-20", "--accept", "--as", "hung", input=password, env=VI)
    assert reviewed.stdout == "QT-20 lần ban hành 1 đã được xem xét\n"
    approved = qms("doc", "approve", "QT-20", "--as", "hai", input=password, env=VI)
    assert re.fullmatch(
        r"QT-20 lần ban hành 1 đã được phê duyệt; có hiệu lực từ ngày \d\d/\d\d/\d{4}\n",
        approved.stdout,
    ), approved.stdout
    published = qms("doc", "publish", "QT-20", "--as", "thu", env=VI)
    assert published.stdout == "QT-20 lần ban hành 1 đã có hiệu lực\n"
    nothing = qms("doc", "publish", "--due", "--as", "thu", env=VI)
    assert nothing.stdout == "không có gì đến hạn\n"
    acknowledged = qms("doc", "ack", "QT-20", "--as", "lan", env=VI)
    assert acknowledged.stdout.startswith("QT-20: đã xác nhận đã đọc lúc ")
    shown = qms("doc", "show", "QT-20", "--as", "thu", env=VI).stdout.splitlines()
    assert shown[1] == "loại Quy trình, phòng ban VP, ngôn ngữ vi"
    assert re.fullmatch(
        r"lần ban hành 1: có hiệu lực, có hiệu lực từ ngày \d\d/\d\d/\d{4}", shown[2]
    )
    assert shown[3] == f"mã băm nội dung: {shown[3].split()[-1]}"
    roles = [line.split(":")[0] for line in shown if line.startswith("  ") and " ký lúc " in line]
    assert roles == ["  Soạn thảo", "  Soạn thảo", "  Xem xét", "  Phê duyệt"]
    assert shown[-4] == "  ý kiến của hung (returned): Bổ sung bước 3"
    assert shown[-3] == "người đã xác nhận đã đọc (1): lan"
    assert shown[-2] == "lịch sử: lần ban hành 1: có hiệu lực"
    assert shown[-1].startswith("Bước có thể thực hiện: ")
    marks = [line.rsplit("  ", 1)[-1] for line in shown if " ký lúc " in line]
    assert marks == ["hợp lệ"] * 4
    times = [line.split(" ký lúc ")[1].split("  ")[0] for line in shown if " ký lúc " in line]
    assert all(re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", t) for t in times), times


def test_the_trail_check_reports_in_vietnamese(qms: Invoke, tmp_path: Path) -> None:
    register(qms, tmp_path)
    anchors = tmp_path / "anchors.jsonl"
    line = qms("trail", "anchor").stdout
    anchors.write_text(line, encoding="utf-8")
    seq = json.loads(line)["seq"]
    assert qms("trail", "verify", env=VI).stdout == (
        f"Nhật ký hệ thống nguyên vẹn: {seq} sự kiện, chuỗi băm đã được kiểm tra\n"
    )
    assert qms("trail", "verify", "--anchors", str(anchors), env=VI).stdout == (
        f"Nhật ký hệ thống nguyên vẹn: {seq} sự kiện, chuỗi băm đã được kiểm tra, "
        "đã đối chiếu 1 mốc neo\n"
    )


def test_the_trail_reads_in_words_in_vietnamese_and_as_recorded_in_english(
    qms: Invoke, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    vietnamese = qms("trail", "show", "--id", "QT-20", env=VI).stdout
    registered = next(line for line in vietnamese.splitlines() if "đăng ký tài liệu" in line)
    assert "tài liệu QT-20" in registered
    assert "mã hiệu: QT-20" in registered
    assert "document.register" not in vietnamese
    assert "{" not in vietnamese
    english = qms("trail", "show", "--id", "QT-20").stdout
    assert "document.register" in english
    assert '{"new":{' in english


def test_the_register_has_vietnamese_headings_and_english_ones_by_default(
    qms: Invoke, password: str, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    english = qms("doc", "list", "--as", "thu").stdout.splitlines()
    vietnamese = qms("doc", "list", "--as", "thu", env=VI).stdout.splitlines()
    assert english[0].split() == ["CODE", "TITLE", "TYPE", "DEPT", "EFFECTIVE", "IN", "PROGRESS"]
    assert vietnamese[0].startswith("MÃ HIỆU  TÊN TÀI LIỆU")
    assert "PHÒNG BAN  ĐANG HIỆU LỰC  ĐANG XỬ LÝ" in vietnamese[0]
    row = next(line for line in vietnamese if line.startswith("QT-20"))
    assert row.endswith("lần ban hành 1: draft")
    assert next(line for line in english if line.startswith("QT-20")).endswith("issue 1 draft")


def test_audit_and_corrective_action_steps_in_vietnamese(qms: Invoke, engine: Engine) -> None:
    effective_document(engine, "QT-01")
    day = cs.today(engine).isoformat()
    planned = qms(
        "audit", "plan", "--dept", "MC", "--clauses", "7.5.3", "--lead", "binh",
        "--auditee", "lan", "--start", day, "--end", day,
        "--objectives", "Kiểm soát tài liệu tại Bộ phận Một cửa", "--as", "binh", env=VI,
    )  # fmt: skip
    assert planned.stdout.startswith("đã lập kế hoạch IA-")
    audit = planned.stdout.split()[-1]
    started = qms("audit", "start", audit, "--as", "binh", env=VI)
    assert started.stdout.startswith(f"{audit} đã bắt đầu với ")
    assert started.stdout.endswith(" mục trong danh mục kiểm tra\n")
    qms(
        "audit", "record", audit, "1", "--result", "NC_MINOR", "--evidence", "Còn bản cũ",
        "--finding", "Tài liệu lỗi thời chưa được thu hồi", "--as", "binh",
    )  # fmt: skip
    findings = qms("audit", "findings", audit, "--as", "binh", env=VI).stdout.splitlines()
    assert [word.strip() for word in findings[0].split("  ") if word][:3] == [
        "PHÁT HIỆN",
        "MỨC",
        "ĐIỀU KHOẢN",
    ]
    opened = qms("capa", "open", "--finding", f"{audit}/1", "--as", "binh")
    ref = opened.stdout.split()[1]
    contained = qms(
        "capa", "contain", ref, "--containment", "Thu hồi bản lỗi thời", "--as", "thu", env=VI
    )
    assert contained.stdout == f"{ref} đã thực hiện biện pháp khắc phục tức thời\n"
    listing = qms("capa", "list", env=VI).stdout.splitlines()
    assert listing[0].startswith("SỐ HIỆU")
    assert "MỨC ĐỘ" in listing[0]
    assert "TRẠNG THÁI" in listing[0]
    assert qms("capa", "list").stdout.startswith("REF ")
