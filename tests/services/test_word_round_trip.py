"""Word out and back: every demo procedure written as .docx and read back keeps its
headings, lists and tables (the body comes back as it was); an edited Word file becomes
the next draft and the diff shows what changed."""

import io
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document as WordFile
from lxml import html as lxml_html
from sqlalchemy.engine import Engine

from qms import clock
from qms.db import read_session
from qms.i18n import translate_all
from qms.services.documents import diff, importer, word_files
from qms.services.documents import register as documents
from qms.services.documents.paper import PaperLine
from qms.services.documents.word import reader, writer
from qms.services.people import users
from tests.helpers import act, effective_document
from tests.pinned_clock import ORGANISATION_ZONE

PROCEDURES = sorted((Path(__file__).parents[2] / "procedures").glob("*.md"))
LABELS = translate_all(word_files.LABELS, "vi")


@pytest.mark.parametrize("path", PROCEDURES, ids=lambda p: p.stem)
def test_every_demo_procedure_comes_back_from_word_as_it_was(path: Path) -> None:
    source = importer.read_source(path)
    data = writer.write(
        writer.WordIssue(
            organisation="UBND quận",
            title=source.meta["title"],
            code=source.meta["code"],
            issue=source.meta["issue"],
            effective_date=source.meta["effective_date"],
            body=source.body,
            images={},
            signers=[writer.Signer("Soạn thảo", "Lê Thị Thu", "Chuyên viên", "01/03/2025")],
            history=[PaperLine(1, source.meta["effective_date"], "Ban hành lần đầu")],
            labels=LABELS,
        )
    )
    back = reader.read(data)
    assert back.body == source.body
    assert back.fields["code"] == source.meta["code"]
    assert back.fields["issue"] == source.meta["issue"]
    assert back.fields["effective_date"] == source.meta["effective_date"]
    assert back.losses == []


def test_nested_lists_and_emphasis_survive_the_round_trip() -> None:
    body = (
        "# 1. Nội dung\n\n1. Tiếp nhận **hồ sơ** đủ\n   - bản *chính*\n   - bản sao\n"
        "2. Chuyển hồ sơ\n\n| A | B |\n|---|---|\n| 1 | x\\*y |\n"
    )
    data = writer.write(writer.WordIssue("Org", "T", "QT-01", 1, None, body, {}, [], [], LABELS))
    assert reader.read(data).body == body


def test_an_edited_word_file_becomes_the_next_draft_with_a_readable_diff(
    engine: Engine,
) -> None:
    effective_document(engine)
    with read_session(engine) as session:
        copy = word_files.export_issue(session, viewer=users.get_user(session, "thu"), code="QT-01")
    assert copy.filename == "QT-01-01.docx"
    edited = WordFile(io.BytesIO(copy.data))
    for paragraph in edited.paragraphs:
        if "02 ngày" in paragraph.text:
            for run in paragraph.runs:
                run.text = run.text.replace("02 ngày", "03 ngày")
    out = io.BytesIO()
    edited.save(out)
    rev = act(
        engine,
        word_files.revise_from_word,
        "thu",
        code="QT-01",
        data=out.getvalue(),
        filename="QT-01-01.docx",
        reason="Rà soát",
        description="Sửa thời hạn",
    )
    assert (rev.issue, rev.status) == (2, "draft")
    with read_session(engine) as session:
        result = diff.diff_issues(
            session, viewer=users.get_user(session, "thu"), code="QT-01", old_issue=1, new_issue=2
        )
        doc = documents.get_document(session, "QT-01")
        assert len(documents.revisions_of(session, doc)) == 2
    changed = [line for line in result.lines if line.op != "equal"]
    assert [(line.old, line.new) for line in changed] == [
        (
            "Bước 1: tiếp nhận hồ sơ trong 02 ngày làm việc.",
            "Bước 1: tiếp nhận hồ sơ trong 03 ngày làm việc.",
        )
    ]


def test_an_electronic_signature_is_dated_on_the_local_day_in_the_word_file(
    engine: Engine,
) -> None:
    early = datetime(2026, 12, 5, 6, 30, tzinfo=ORGANISATION_ZONE)  # 23:30 UTC the day before
    with clock.pinned(early):
        effective_document(engine)
    with read_session(engine) as session:
        copy = word_files.export_issue(session, viewer=users.get_user(session, "thu"), code="QT-01")
    signatures = WordFile(io.BytesIO(copy.data)).tables[1]
    dates = {cell.text for cell in signatures.rows[-1].cells[1:]}
    assert dates == {"05/12/2026"}


def test_footnotes_become_numbered_notes_at_the_end() -> None:
    # mammoth's HTML for a paragraph with a footnote and the footnotes list after it.
    html = (
        '<h1>1. Mục đích</h1><p>Theo Nghị định 61<sup><a href="#footnote-1" '
        'id="footnote-ref-1">[1]</a></sup> về một cửa.</p><ol><li id="footnote-1">'
        '<p> Nghị định số 61/2018/NĐ-CP. <a href="#footnote-ref-1">↑</a></p></li></ol>'
    )
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    converted = reader._Converter(reader._State({}, []), "Ghi chú")
    assert converted.document(root) == (
        "# 1. Mục đích\n\nTheo Nghị định 61\\[1\\] về một cửa.\n\n## Ghi chú\n\n"
        "1. Nghị định số 61/2018/NĐ-CP.\n"
    )


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
    "Nghị định số 61/2018/NĐ-CP.</w:t></w:r></w:p></w:footnote></w:footnotes>"
)


def with_footnote(data: bytes, after: str) -> bytes:
    """The same Word file with a real footnote (a footnotes part, its relationship and
    content type, and a reference run after the paragraph text ``after``), as Word saves
    one: python-docx cannot write footnotes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = content.decode()
                mark = f"{after}</w:t></w:r>"
                assert mark in text
                content = text.replace(
                    mark,
                    mark + '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    '<w:footnoteReference w:id="1"/></w:r>',
                    1,
                ).encode()
            elif item.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            elif item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", FOOTNOTES_XML)
    return out.getvalue()


def test_a_real_word_footnote_becomes_a_numbered_note() -> None:
    document = WordFile()
    document.add_heading("1. Mục đích", level=1)
    document.add_paragraph("Theo Nghị định 61 về một cửa")
    plain = io.BytesIO()
    document.save(plain)
    read = reader.read(with_footnote(plain.getvalue(), "về một cửa"), notes_heading="Ghi chú")
    assert "Theo Nghị định 61 về một cửa\\[1\\]" in read.body
    assert read.body.rstrip().endswith("## Ghi chú\n\n1. Nghị định số 61/2018/NĐ-CP.")
