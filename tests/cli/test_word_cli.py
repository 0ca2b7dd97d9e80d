"""``qms doc import`` of Word files, ``qms doc export`` and ``qms doc revise --body
FILE.docx``: a folder of twenty procedures in the usual Vietnamese layout, dry run first."""

import io
import json
import re
from pathlib import Path

from docx import Document as WordFile
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.documents import renditions
from tests.cli.conftest import Invoke
from tests.helpers import snapshot
from tests.render.helpers import joined
from tests.word_samples import Procedure, write_procedure

TWENTY = [Procedure(code=f"QT-{n:02d}", title=f"QUY TRÌNH SỐ {n}", issue=2) for n in range(1, 21)]


def test_a_folder_of_twenty_word_procedures_dry_run_then_import(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "word"
    folder.mkdir()
    for spec in TWENTY:
        write_procedure(folder, spec)
    before = snapshot(engine)
    dry = qms("doc", "import", str(folder), "--dept", "VP", "--dry-run", "--as", "thu")
    assert dry.exit_code == 0, dry.output
    assert snapshot(engine) == before
    lines = dry.stdout.splitlines()
    assert lines[0] == (
        f'{folder}/QT-01.docx: register QT-01 issue 2 "Quy trình số 1", '
        "effective 2025-03-15, department VP, about 1 pages"
    )
    assert lines[1:5] == [
        "  signed on paper: drafted by Lê Thị Thu on 2025-03-01",
        "  signed on paper: reviewed by Trần Văn Bình on 2025-03-05",
        "  signed on paper: approved by Nguyễn Văn An on 2025-03-10",
        "  earlier issue 1 (2023-06-01): Ban hành lần đầu",
    ]
    assert lines[-1] == "dry run: 20 files would be imported; nothing was written"
    plans = json.loads(
        qms(
            "doc", "import", str(folder), "--dept", "VP", "--dry-run", "--format", "json",
            "--as", "thu",
        ).stdout
    )  # fmt: skip
    assert [p["code"] for p in plans] == [s.code for s in TWENTY]
    assert {p["effective_date"] for p in plans} == {"2025-03-15"}

    done = qms("doc", "import", str(folder), "--dept", "VP", "--as", "thu")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[-1] == "imported 20 documents"
    shown = qms("doc", "show", "QT-07", "--as", "thu").stdout.splitlines()
    assert shown[2].startswith("issue 2: effective, effective 2025-03-15 (imported ")
    assert "  signed approved on paper: Nguyễn Văn An (Chủ tịch UBND quận) on 2025-03-10" in shown
    listed = json.loads(qms("doc", "list", "--format", "json").stdout)
    assert {row["effective"]["effective_date"] for row in listed} == {"2025-03-15"}
    with read_session(engine) as session:
        _, _, pdf = renditions.document_pdf(session, viewer=None, code="QT-20")
    text = joined(pdf)
    assert text.count("Đã ký bản giấy") == 3
    assert "15/03/2025" in text

    again = qms(
        "doc", "import", str(folder / "QT-03.docx"), "--dept", "VP", "--dry-run", "--as", "thu"
    )
    assert again.exit_code == 7
    assert "  CONFLICT: QT-03 issue 2 is already effective here" in again.stdout
    assert again.stderr == ("error: 1 of 1 files conflict with the register; nothing was written\n")


def test_in_vietnamese_the_import_and_the_imported_issue_speak_vietnamese_with_its_dates(
    qms: Invoke, tmp_path: Path
) -> None:
    vi = {"QMS_LANGUAGE": "vi"}
    path = write_procedure(tmp_path, TWENTY[6])
    dry = qms("doc", "import", str(path), "--dept", "VP", "--dry-run", "--as", "thu", env=vi)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        f"{path}: đăng ký mới QT-07, lần ban hành 2 “Quy trình số 7”, "
        "có hiệu lực từ ngày 15/03/2025, phòng ban VP, khoảng 1 trang",
        "  ký trên giấy: đã soạn thảo bởi Lê Thị Thu ngày 01/03/2025",
        "  ký trên giấy: đã xem xét bởi Trần Văn Bình ngày 05/03/2025",
        "  ký trên giấy: đã phê duyệt bởi Nguyễn Văn An ngày 10/03/2025",
        "  lần ban hành trước 1 (01/06/2023): Ban hành lần đầu",
        "chạy thử: sẽ nhập 1 tệp; chưa ghi gì vào hệ thống",
    ]
    done = qms("doc", "import", str(path), "--dept", "VP", "--as", "thu", env=vi)
    assert done.stdout.splitlines() == [
        "đã đăng ký QT-07, lần ban hành 2: Quy trình số 7",
        "đã nhập 1 tài liệu",
    ]
    shown = qms("doc", "show", "QT-07", "--as", "thu", env=vi).stdout.splitlines()
    assert shown[1] == "loại Quy trình, phòng ban VP, ngôn ngữ vi"
    assert re.fullmatch(
        r"lần ban hành 2: có hiệu lực, có hiệu lực từ ngày 15/03/2025 "
        r"\(nhập vào hệ thống lúc \d\d:\d\d \d\d/\d\d/\d{4}\)",
        shown[2],
    ), shown[2]
    assert "  Phê duyệt (ký trên giấy): Nguyễn Văn An (Chủ tịch UBND quận) ngày 10/03/2025" in shown
    assert shown[-2] == "lịch sử: lần ban hành 1 trên giấy; lần ban hành 2: có hiệu lực"
    due = qms("doc", "due", "--within", "3650", env=vi).stdout.splitlines()
    assert due[1].split()[0] == "QT-07"
    assert "15/03/2026  xem xét định kỳ" in due[1]  # a year after the date on paper
    listed = qms("doc", "list", "--as", "thu", env=vi).stdout.splitlines()
    assert listed[1].split()[0] == "QT-07"
    assert listed[1].rstrip().endswith("lần ban hành 2 (15/03/2025)")


def test_a_bad_file_in_a_folder_is_one_line_naming_it(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    write_procedure(tmp_path, Procedure(code="QT-01"))
    (tmp_path / "QT-02.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    before = snapshot(engine)
    for extra in ([], ["--dry-run"]):
        result = qms("doc", "import", str(tmp_path), "--dept", "VP", *extra, "--as", "thu")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"error: {tmp_path}/QT-02.doc: an old binary Word file (.doc): "
            "save it as .docx in Word first\n"
        )
    assert snapshot(engine) == before


def test_export_edit_in_word_and_revise_shows_the_change_in_the_diff(
    qms: Invoke, tmp_path: Path
) -> None:
    write_procedure(tmp_path, Procedure(code="QT-01", issue=1, history=()))
    assert qms("doc", "import", str(tmp_path), "--dept", "VP", "--as", "thu").exit_code == 0
    target = tmp_path / "out" / "QT-01.docx"
    target.parent.mkdir()
    exported = qms("doc", "export", "QT-01", "-o", str(target), "--as", "thu")
    assert exported.exit_code == 0, exported.output
    assert exported.stdout.startswith(f"wrote {target} (")
    word = WordFile(io.BytesIO(target.read_bytes()))
    for paragraph in word.paragraphs:
        if paragraph.text == "Bộ phận Một cửa":
            paragraph.runs[0].text = "Bộ phận Tiếp nhận và Trả kết quả"
    word.save(str(target))
    revised = qms(
        "doc", "revise", "QT-01", "--body", str(target), "--reason", "Rà soát",
        "--description", "Đổi tên bộ phận", "--as", "thu",
    )  # fmt: skip
    assert revised.exit_code == 0, revised.output
    assert revised.stdout.startswith("QT-01 issue 2 is a draft")
    diff = qms("doc", "diff", "QT-01", "1", "2", "--no-color", "--as", "thu").stdout
    assert diff.splitlines()[:2] == ["--- QT-01 issue 1", "+++ QT-01 issue 2"]
    assert diff.splitlines()[2:] == [
        "~ - Bộ phận [-Một-]{+Tiếp+} [-cửa-]{+nhận và Trả kết quả+}",
    ]
    vi = {"QMS_LANGUAGE": "vi"}
    in_vietnamese = qms("doc", "diff", "QT-01", "1", "2", "--no-color", "--as", "thu", env=vi)
    assert in_vietnamese.stdout.splitlines()[:2] == [
        "--- QT-01 lần ban hành 1",
        "+++ QT-01 lần ban hành 2",
    ]
    again = qms("doc", "export", "QT-01", "--issue", "1", "-o", str(target), "--as", "thu", env=vi)
    assert again.stdout.startswith(f"đã ghi {target} (")
    assert again.stdout.endswith(" byte)\n")
