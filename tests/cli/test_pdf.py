"""``qms pdf``: the stored controlled copy, a PDF/A archival copy, and verification."""

import io
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import effective_document


def test_pdf_document_pdfa_and_verify(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    effective_document(engine)
    stored, archive = tmp_path / "a.pdf", tmp_path / "b.pdf"
    result = qms("pdf", "document", "QT-01", "-o", str(stored))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {stored} (QT-01 issue 1, effective, ")
    assert qms("pdf", "document", "QT-01", "--pdfa", "-o", str(archive)).exit_code == 0
    xmp = (
        PdfReader(io.BytesIO(archive.read_bytes()))
        .trailer["/Root"]["/Metadata"]
        .get_object()
        .get_data()
    )
    assert b"pdfaid" in xmp
    assert archive.read_bytes() != stored.read_bytes()
    assert qms("pdf", "verify").stdout == "1 stored files match their hashes\n"
    with engine.begin() as connection:
        connection.execute(text("UPDATE blob SET size = size + 1"))
    failed = qms("pdf", "verify")
    assert failed.exit_code == 8
    assert "no longer matches its hash" in failed.stderr


def test_pdf_trail_prints_the_filtered_events(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    effective_document(engine)
    out = tmp_path / "trail.pdf"
    result = qms("pdf", "trail", "--id", "QT-01", "--since", "2000-01-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} ({out.stat().st_size:,} bytes)\n"
    printed = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Bộ lọc: Mã: QT-01; Từ ngày: 01/01/2000" in printed
    assert "Chuỗi nhật ký nguyên vẹn khi in" in printed
    bad = qms("pdf", "trail", "--since", "01/01/2000", "-o", str(tmp_path / "x.pdf"))
    assert bad.exit_code == 2
    assert "'01/01/2000' does not match the format '%Y-%m-%d'" in bad.stderr


def test_pdf_verify_names_the_first_altered_file_and_counts_the_rest(
    qms: Invoke, engine: Engine
) -> None:
    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    with engine.begin() as connection:
        connection.execute(text("UPDATE blob SET size = size + 1"))
    failed = qms("pdf", "verify")
    assert failed.exit_code == 8
    assert failed.stderr.startswith("error: ")
    assert failed.stderr.endswith("no longer matches its hash (1 more)\n")
