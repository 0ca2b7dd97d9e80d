"""``qms audit`` and ``qms pdf audit`` from the command line alone."""

import io
import json
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import snapshot
from tests.services.audit_helpers import effective_procedures

PLAN = (
    "audit", "plan", "--dept", "tp", "--clauses", "7.5,8.2,9.1", "--procedures", "QT-01,QT-02",
    "--auditee", "mai", "--start", "2026-12-01", "--end", "2026-12-02",
    "--objectives", "Đánh giá việc kiểm soát tài liệu tại Phòng Tư pháp", "--as", "thu",
)  # fmt: skip


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_an_audit_from_plan_to_locked_report(
    qms: Invoke, engine: Engine, password: str, tmp_path: Path
) -> None:
    effective_procedures(engine)
    before = snapshot(engine)
    conflicted = qms(*PLAN, "--lead", "binh", "--team", "an")
    assert conflicted.exit_code == 4
    assert conflicted.stderr == (
        "error: binh belongs to TP, which this audit covers; "
        "auditors cannot audit their own department\n"
    )
    assert snapshot(engine) == before

    assert qms(*PLAN, "--lead", "an").stdout == "planned IA-2026-01\n"
    started = qms("audit", "start", "ia-2026-01", "--as", "an")
    # 7.5 (11 questions) + 8.2 (12) + 9.1 (9) for TP, then QT-01 (3) and QT-02 (5).
    assert started.stdout == "IA-2026-01 started with 40 checklist items\n"

    photo = tmp_path / "so-theo-doi.jpg"
    photo.write_bytes(b"\xff\xd8\xff anh chup so")
    major = qms(
        "audit", "record", "IA-2026-01", "1", "--result", "NC_MAJOR",
        "--evidence", "Không có danh mục tài liệu nội bộ",
        "--finding", "Không lập danh mục tài liệu nội bộ", "--attach", str(photo), "--as", "an",
    )  # fmt: skip
    assert major.stdout == "IA-2026-01 item 1: NC_MAJOR; finding F1\n"
    minor = qms(
        "audit", "record", "IA-2026-01", "2", "--result", "nc_minor", "--evidence",
        "Phiếu BM-01-02 thiếu chữ ký", "--finding", "Phiếu đề nghị thiếu chữ ký", "--as", "an",
    )  # fmt: skip
    assert minor.stdout == "IA-2026-01 item 2: NC_MINOR; finding F2\n"
    observation = qms("audit", "record", "IA-2026-01", "3", "--result", "OBS", "--evidence",
                      "Nên số hoá sổ theo dõi", "--as", "an")  # fmt: skip
    assert observation.stdout == "IA-2026-01 item 3: OBS\n"
    bad = qms("audit", "record", "IA-2026-01", "4", "--result", "NC_BIG", "--as", "an")
    assert (bad.exit_code, bad.stderr) == (
        2, "error: result 'NC_BIG' is not one of C, NC_MAJOR, NC_MINOR, OBS, OFI\n"
    )  # fmt: skip
    for item in range(4, 41):
        done = qms("audit", "record", "IA-2026-01", str(item), "--result", "C", "--as", "an")
        assert done.exit_code == 0, done.output

    findings = json.loads(qms("audit", "findings", "IA-2026-01", "--format", "json",
                              "--as", "an").stdout)  # fmt: skip
    assert [(f["label"], f["grade"], f["clause"], f["department"]) for f in findings] == [
        ("IA-2026-01 / F1", "NC_MAJOR", "7.5.1", "TP"),
        ("IA-2026-01 / F2", "NC_MINOR", "7.5.1", "TP"),
    ]
    conclusions = tmp_path / "ket-luan.md"
    conclusions.write_text("HTQLCL được duy trì; cần khắc phục F1 và F2.", encoding="utf-8")
    assert qms("audit", "conclude", "IA-2026-01", "--conclusions", f"@{conclusions}",
               "--as", "an").exit_code == 0  # fmt: skip
    wrong = qms("audit", "report", "IA-2026-01", "--as", "an", input="sai-mat-khau\n")
    assert (wrong.exit_code, wrong.stderr) == (5, "error: wrong password for an\n")
    reported = qms("audit", "report", "IA-2026-01", "--as", "an", input=password)
    assert reported.exit_code == 0, reported.output
    assert reported.stdout.startswith("IA-2026-01 reported; report PDF ")

    report = tmp_path / "IA-2026-01.pdf"
    written = qms("pdf", "audit", "IA-2026-01", "-o", str(report), "--as", "thu")
    assert written.stdout.startswith(f"wrote {report} (IA-2026-01, reported, ")
    text = pdf_text(report)
    for expected in (
        "IA-2026-01",
        "Không lập danh mục tài liệu nội bộ",
        "Phiếu đề nghị thiếu chữ ký",
        "Nên số hoá sổ theo dõi",
        "Không phù hợp nặng",
        "Không phù hợp nhẹ",
        "Trịnh Văn An",
        "Đỗ Thị Thanh Mai",
        "HTQLCL được duy trì",
    ):
        assert expected in text, expected
    english = tmp_path / "IA-2026-01-en.pdf"
    assert qms("pdf", "audit", "IA-2026-01", "--lang", "en", "-o", str(english),
               "--as", "an").exit_code == 0  # fmt: skip
    assert english.read_bytes() != report.read_bytes()
    assert "Major nonconformity" in pdf_text(english)
    shown = json.loads(qms("audit", "show", "IA-2026-01", "--format", "json", "--as", "thu").stdout)
    assert shown["status"] == "reported"
    assert shown["counts"] == {"C": 37, "NC_MAJOR": 1, "NC_MINOR": 1, "OBS": 1, "OFI": 0}
    assert [(s["meaning"], s["valid"]) for s in shown["signatures"]] == [("lead_auditor", True)]
    verified = json.loads(
        qms("audit", "show", "IA-2026-01", "--verify", "--format", "json", "--as", "thu").stdout
    )  # the record hashed now is still the one signed when reported
    assert (verified["content_hash"], verified["hashed_now"]) == (shown["content_hash"], True)
    assert shown["hashed_now"] is False

    text_view = qms("audit", "show", "ia-2026-01", "--as", "thu").stdout
    assert text_view.startswith("IA-2026-01  internal  reported\n")
    assert "checklist: 40/40 answered; C 37, NC_MAJOR 1, NC_MINOR 1, OBS 1, OFI 0" in text_view
    assert "  IA-2026-01 / F1 NC_MAJOR 7.5.1 TP: Không lập danh mục tài liệu nội bộ" in text_view
    assert "signed lead_auditor: Trịnh Văn An " in text_view
    open_items = qms("audit", "checklist", "IA-2026-01", "--open", "--as", "an")
    assert open_items.stdout == "IA-2026-01: 0 items\n"

    before = snapshot(engine)
    locked = qms("audit", "record", "IA-2026-01", "4", "--result", "OFI", "--evidence", "x",
                 "--as", "an")  # fmt: skip
    assert (locked.exit_code, locked.stderr) == (
        6, "error: IA-2026-01 is reported and locked; reopen it to change it\n"
    )  # fmt: skip
    assert snapshot(engine) == before
    grades = qms("audit", "grades", "--format", "json", "--as", "an")
    assert [g["code"] for g in json.loads(grades.stdout)] == [
        "C", "NC_MAJOR", "NC_MINOR", "OBS", "OFI"
    ]  # fmt: skip
    staff = qms("audit", "list", "--as", "lan")
    assert staff.exit_code == 4
    assert staff.stderr.startswith("error: lan cannot see audits")
    scale = qms("audit", "grades", "--as", "lan")
    assert scale.exit_code == 4
    assert scale.stderr.startswith("error: lan cannot see audits")


def test_programme_and_coverage(qms: Invoke, engine: Engine) -> None:
    effective_procedures(engine)
    assert qms("audit", "programme", "2026", "--objectives", "Mỗi phòng ít nhất một lần",
               "--as", "binh").exit_code == 0  # fmt: skip
    entry = qms("audit", "programme-entry", "2026", "TP", "--clauses", "7.5", "--processes",
                "QT-01", "--importance", "high", "--months", "3,9", "--as", "binh")  # fmt: skip
    assert entry.stdout == "TP: 2 audits in 2026 (mức độ quan trọng cao: 2 lần/năm)\n"
    again = qms("audit", "programme", "2026", "--objectives", "Mỗi phòng ít nhất một lần",
                "--as", "binh", env={"QMS_LANGUAGE": "vi"})  # fmt: skip
    assert again.stdout == "đã lưu chương trình đánh giá năm 2026\n"
    entry = qms("audit", "programme-entry", "2026", "TP", "--clauses", "7.5", "--processes",
                "QT-01", "--importance", "high", "--months", "3,9", "--as", "binh",
                env={"QMS_LANGUAGE": "vi"})  # fmt: skip
    assert entry.stdout == "TP: 2 cuộc đánh giá trong năm 2026 (mức độ quan trọng cao: 2 lần/năm)\n"
    assert qms(*PLAN, "--lead", "an").exit_code == 0
    result = json.loads(qms("audit", "coverage", "2026", "--format", "json", "--as", "an").stdout)
    by_clause = {c["clause"]: c for c in result["clauses"]}
    assert by_clause["7.5.2"]["planned"] is True
    assert by_clause["7.5.2"]["audits"] == ["IA-2026-01 (planned)"]
    assert by_clause["8.2.1"]["planned"] is False
    assert "4.1" in result["unreached_clauses"]
    assert result["unreached_departments"] == ["MC", "VP"]
    listed = qms("audit", "list", "--year", "2026", "--as", "hai")
    assert "IA-2026-01  internal  planned  TP" in listed.stdout


def test_several_items_are_recorded_at_once_or_not_at_all(qms: Invoke, engine: Engine) -> None:
    effective_procedures(engine)
    assert qms(*PLAN, "--lead", "an").exit_code == 0
    assert qms("audit", "start", "IA-2026-01", "--as", "an").exit_code == 0

    before = snapshot(engine)
    for items, code, message in (
        (("2", "3", "99"), 3, "error: IA-2026-01 has no checklist item 99\n"),
        (("2", "3", "2"), 2, "error: a checklist item is named twice\n"),
    ):
        refused = qms("audit", "record", "IA-2026-01", *items, "--result", "C", "--as", "an")
        assert (refused.exit_code, refused.stderr) == (code, message)
        assert snapshot(engine) == before
    missing = qms("audit", "record", "IA-2026-01", "--result", "C", "--as", "an")
    assert missing.exit_code == 2
    assert snapshot(engine) == before

    done = qms("audit", "record", "IA-2026-01", "2", "3", "5", "--result", "C",
               "--evidence", "Phù hợp", "--as", "an")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stdout == "IA-2026-01 item 2: C\nIA-2026-01 item 3: C\nIA-2026-01 item 5: C\n"
    left = json.loads(qms("audit", "checklist", "IA-2026-01", "--open", "--format", "json",
                          "--as", "an").stdout)  # fmt: skip
    assert [i["number"] for i in left][:4] == [1, 4, 6, 7]
