"""Word on the web: the import page previews (writing nothing) and imports on
confirmation, an issue downloads as .docx, a body's pictures are served only with an
issue that shows them, and imported dates show as on paper."""

import hashlib
import io
import re
from pathlib import Path

from docx import Document as WordFile
from fastapi import FastAPI

from qms.services.documents import importer
from tests.helpers import act, effective_document, snapshot
from tests.web.client import signed_in
from tests.word_samples import Procedure, png_pixel, procedure_docx, write_procedure

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(name: str, data: bytes) -> tuple[str, tuple[str, bytes, str]]:
    return ("files", (name, data, DOCX))


def test_preview_writes_nothing_then_confirm_imports(app: FastAPI) -> None:
    engine = app.state.engine
    client = signed_in(app, "thu")
    assert "Nhập tài liệu" in client.get("/import-documents").text
    before = snapshot(engine)
    preview = client.post(
        "/import-documents",
        data={"action": "preview", "department": "VP", "csrf_token": client.csrf()},
        files=[_upload("QT-01.docx", procedure_docx(Procedure(picture=True, merged=True)))],
    )
    assert preview.status_code == 200, preview.text
    assert snapshot(engine) == before
    assert "QT-01.docx" in preview.text
    assert "Quy trình kiểm soát tài liệu" in preview.text
    assert "Phê duyệt: Nguyễn Văn An, 10/03/2025" in preview.text  # who signed as what
    assert "ô bảng được gộp" in preview.text  # what could not be converted, in Vietnamese
    assert "3.1 Các bước › table 3" in preview.text
    staged = dict(
        zip(
            ("staged_name", "staged_data"),
            re.findall(r'name="staged_(?:name|data)" value="([^"]+)"', preview.text),
            strict=True,
        )
    )
    done = client.post(
        "/import-documents",
        data={"action": "import", "department": "VP", "csrf_token": client.csrf(), **staged},
    )
    assert done.status_code == 303, done.text
    page = client.get("/documents/QT-01").text
    assert "Ngày hiệu lực: 15/03/2025" in page
    sha = hashlib.sha256(png_pixel()).hexdigest()
    assert f'src="/documents/QT-01/images/{sha}?issue=2"' in page
    picture = client.get(f"/documents/QT-01/images/{sha}?issue=2")
    assert (picture.status_code, picture.headers["content-type"]) == (200, "image/png")
    assert picture.content == png_pixel()
    client.close()


def test_a_bad_upload_is_named_without_the_server_folder_and_writes_nothing(
    app: FastAPI,
) -> None:
    engine = app.state.engine
    client = signed_in(app, "thu")
    before = snapshot(engine)
    answer = client.post(
        "/import-documents",
        data={"action": "import", "department": "VP", "csrf_token": client.csrf()},
        files=[
            _upload("QT-01.docx", procedure_docx()),
            _upload("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ],
    )
    assert answer.status_code == 422
    assert "cu.doc: tệp Word định dạng cũ (.doc)" in answer.text
    assert "qms-import-" not in answer.text
    assert snapshot(engine) == before
    client.close()


def test_an_issue_downloads_for_word_and_pictures_need_an_issue_that_shows_them(
    app: FastAPI,
) -> None:
    engine = app.state.engine
    effective_document(engine)
    client = signed_in(app, "thu")
    page = client.get("/documents/QT-01").text
    assert 'href="/documents/QT-01/docx?issue=1"' in page
    answer = client.get("/documents/QT-01/docx?issue=1")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == DOCX
    text = "\n".join(p.text for p in WordFile(io.BytesIO(answer.content)).paragraphs)
    assert "Quy định cách kiểm soát tài liệu." in text
    other = hashlib.sha256(b"not shown").hexdigest()
    assert client.get(f"/documents/QT-01/images/{other}").status_code == 404
    client.close()


def test_an_imported_issue_shows_its_date_on_paper_on_the_home_page_and_in_the_api(
    app: FastAPI, tmp_path: Path
) -> None:
    engine = app.state.engine
    path = write_procedure(tmp_path, Procedure())
    act(engine, importer.import_files, "thu", paths=[path], overrides={"department": "VP"})
    client = signed_in(app, "hung")
    home = client.get("/").text
    section = home[home.index('id="inbox-acknowledge"') :]
    assert "QT-01 — Quy trình kiểm soát tài liệu" in section
    assert "15/03/2025" in section
    shown = client.get("/api/documents/QT-01").json()
    assert shown["effective_date"] == "2025-03-15"
    assert shown["paper_signatures"][2] == {
        "meaning": "approved",
        "name": "Nguyễn Văn An",
        "position": "Chủ tịch UBND quận",
        "signed_on": "2025-03-10",
    }
    listed = client.get("/api/documents").json()["items"]
    assert [row["effective"]["effective_date"] for row in listed] == ["2025-03-15"]
    client.close()
