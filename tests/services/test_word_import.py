"""Importing Word procedures in the usual Vietnamese layout: the header table, paper
signatures and history, pictures, the dry run, and refused files that write nothing."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session
from qms.errors import ValidationError
from qms.models import Blob, TrailEvent
from qms.services.documents import importer, renditions
from qms.services.documents import register as documents
from qms.services.documents import views as doc_views
from qms.services.people import users
from tests.helpers import act, refused, snapshot
from tests.render.helpers import joined
from tests.word_samples import Procedure, png_pixel, procedure_docx, write_procedure


def _detail(engine: Engine, code: str = "QT-01") -> doc_views.IssueDetail:
    with read_session(engine) as session:
        return doc_views.issue_detail(session, viewer=users.get_user(session, "thu"), code=code)


def test_dry_run_lists_what_a_folder_would_create_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    write_procedure(tmp_path, Procedure(merged=True))
    write_procedure(tmp_path, Procedure(code="QT-02", title="QUY TRÌNH KIỂM SOÁT HỒ SƠ"))
    (tmp_path / "QT-01.yaml").write_text("department: VP\n", encoding="utf-8")
    (tmp_path / "QT-02.yaml").write_text("department: VP\n", encoding="utf-8")
    before = snapshot(engine)
    plans = act(engine, importer.plan_files, "thu", paths=[tmp_path])
    assert snapshot(engine) == before
    first, second = plans
    assert first.source.meta["code"] == "QT-01"
    assert first.source.meta["title"] == "Quy trình kiểm soát tài liệu"
    assert first.source.meta["issue"] == 2
    assert first.source.meta["effective_date"] == date(2025, 3, 15)
    assert first.source.pages is not None
    assert first.source.pages >= 1
    assert [str(loss.what) for loss in first.source.losses] == [
        "merged table cells: the text is in the first cell, the cells it spanned are empty",
        "several paragraphs in a table cell, joined into one",
    ]
    assert first.source.losses[0].where == "3.1 Các bước › table 3"
    assert first.conflict is None
    assert first.existing_issue is None
    assert second.source.meta["title"] == "Quy trình kiểm soát hồ sơ"


def test_dry_run_names_a_conflict_with_an_existing_code(engine: Engine, tmp_path: Path) -> None:
    path = write_procedure(tmp_path, Procedure(issue=1, history=()))
    act(engine, importer.import_files, "thu", paths=[path], overrides={"department": "VP"})
    again = write_procedure(tmp_path, Procedure(issue=1, history=()), name="again.docx")
    plans = act(engine, importer.plan_files, "thu", paths=[again], overrides={"department": "VP"})
    assert plans[0].existing_issue == 1
    assert str(plans[0].conflict) == "QT-01 issue 1 is already effective here"


def test_import_keeps_the_paper_date_signatures_history_and_source_hash(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_procedure(tmp_path, Procedure(picture=True))
    act(engine, importer.import_files, "thu", paths=[path], overrides={"department": "VP"})
    shown = _detail(engine)
    assert shown.status == "effective"
    assert shown.effective_date == date(2025, 3, 15)
    assert [(p.meaning, p.name, p.signed_on) for p in shown.paper_signatures] == [
        ("drafted", "Lê Thị Thu", date(2025, 3, 1)),
        ("reviewed", "Trần Văn Bình", date(2025, 3, 5)),
        ("approved", "Nguyễn Văn An", date(2025, 3, 10)),
    ]
    assert [(h.issue, h.issued_on, h.change) for h in shown.paper_history] == [
        (1, date(2023, 6, 1), "Ban hành lần đầu")
    ]
    assert shown.description == "Sửa mục 5.2: phân phối tài liệu trên hệ thống điện tử"
    with read_session(engine) as session:
        event = session.exec(select(TrailEvent).where(TrailEvent.action == "revision.import")).one()
        picture = session.get(Blob, _sha(png_pixel()))
        due = documents.review_due(session, within_days=100_000)
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() in event.payload
    assert "Nguyễn Văn An" in event.payload
    assert picture is not None
    assert picture.media_type == "image/png"
    assert f"blob:{_sha(png_pixel())}" in shown.body
    # Periodic review runs from the date on paper, not the day of the import.
    assert [(d.document.code, d.due_on) for d in due] == [("QT-01", date(2026, 3, 15))]


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_the_pdf_shows_paper_signatures_the_date_on_paper_and_earlier_issues(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_procedure(tmp_path, Procedure(picture=True))
    act(engine, importer.import_files, "thu", paths=[path], overrides={"department": "VP"})
    with read_session(engine) as session:
        _, _, pdf = renditions.document_pdf(session, viewer=None, code="QT-01")
    text = joined(pdf)
    assert text.count("Đã ký bản giấy") == 3
    assert "Chưa ký" not in text
    for name in ("Lê Thị Thu", "Trần Văn Bình", "Nguyễn Văn An"):
        assert name in text
    assert "15/03/2025" in text
    assert "10/03/2025" in text
    assert "01/06/2023" in text
    assert "Ban hành lần đầu" in text


def test_front_matter_takes_the_same_paper_fields(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "QT-09.md"
    source.write_text(
        "---\ncode: QT-09\ntitle: Quy trình thử\ntype: procedure\ndepartment: VP\n"
        "issue: 2\neffective_date: 2024-05-02\nreason: Rà soát\ndescription: Sửa mục 3\n"
        "approved_by: {name: Nguyễn Văn An, position: Chủ tịch, date: 2024-04-28}\n"
        "history:\n  - {issue: 1, date: 2022-01-10, change: Ban hành lần đầu}\n---\n"
        "# 1. Mục đích\n\nThử.\n",
        encoding="utf-8",
    )
    act(engine, importer.import_files, "thu", paths=[source])
    shown = _detail(engine, "QT-09")
    assert [(p.meaning, p.name, p.signed_on) for p in shown.paper_signatures] == [
        ("approved", "Nguyễn Văn An", date(2024, 4, 28))
    ]
    assert [h.issue for h in shown.paper_history] == [1]


def test_sidecar_and_command_line_override_the_header_table(engine: Engine, tmp_path: Path) -> None:
    path = write_procedure(tmp_path, Procedure(header_table=False))
    (tmp_path / "QT-01.yaml").write_text(
        "code: QT-05\ntitle: Quy trình từ tệp kèm\ntype: procedure\nissue: 1\n"
        "effective_date: 2024-01-02\n",
        encoding="utf-8",
    )
    act(
        engine,
        importer.import_files,
        "thu",
        paths=[path],
        overrides={"department": "Văn phòng HĐND và UBND quận", "effective_date": date(2024, 2, 3)},
    )
    shown = _detail(engine, "QT-05")
    assert (shown.title, shown.issue, shown.department) == ("Quy trình từ tệp kèm", 1, "VP")
    assert shown.effective_date == date(2024, 2, 3)


def test_a_word_file_without_a_header_table_names_what_is_missing(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_procedure(tmp_path, Procedure(header_table=False))
    refused(
        engine,
        ValidationError,
        importer.import_files,
        "thu",
        match=r"QT-01\.docx: missing code, title, type, department, issue, effective_date: "
        r"not in the header table; give them in QT-01\.yaml or when importing",
        paths=[path],
    )


def _zip(parts: dict[str, bytes], *, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_part(name: str, data: bytes) -> bytes:
    """A real .docx with one more part added."""
    source = zipfile.ZipFile(io.BytesIO(procedure_docx()))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = data
    return _zip(parts)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("old.doc", OLE + b"WordDocument", r"old\.doc: an old binary Word file \(\.doc\)"),
        (
            "locked.docx",
            OLE + "EncryptedPackage".encode("utf-16-le"),
            r"locked\.docx: the Word file is password-protected",
        ),
        ("broken.docx", b"PK\x03\x04 this is not a zip", r"broken\.docx: not a Word file"),
        ("cut.docx", procedure_docx()[:3000], r"cut\.docx: not a Word file"),
        (
            "bomb.docx",
            _zip({"word/document.xml": b"<" + b"a" * 8_000_000}),
            r"bomb\.docx: the Word file expands \d[\d,]* times its size",
        ),
        (
            "macro.docx",
            _with_part("word/vbaProject.bin", b"\x00" * 64),
            r"macro\.docx: the Word file contains macros",
        ),
        ("macro.docm", procedure_docx(), r"macro\.docm: a macro-enabled Word file"),
        (
            "ole.docx",
            _with_part("word/embeddings/oleObject1.bin", OLE),
            r"ole\.docx: the Word file contains an embedded object "
            r"\(word/embeddings/oleObject1\.bin\)",
        ),
        ("empty.docx", _zip({"word/other.xml": b"<x/>"}), r"empty\.docx: not a Word file"),
    ],
)
def test_refused_files_are_named_and_nothing_is_written(
    engine: Engine, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    good = write_procedure(tmp_path, Procedure(code="QT-02"))
    bad = tmp_path / name
    bad.write_bytes(data)
    refused(
        engine,
        ValidationError,
        importer.import_files,
        "thu",
        match=message,
        paths=[good, bad],
        overrides={"department": "VP"},
    )
    with pytest.raises(ValidationError, match=message):
        act(engine, importer.plan_files, "thu", paths=[tmp_path], overrides={"department": "VP"})
