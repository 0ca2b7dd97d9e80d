"""The unpacked-size count shared by the Word and the XLSX checks."""

import io
import zipfile

import pytest

from qms.errors import ValidationError
from qms.services import zipsize
from qms.services.documents.word import package
from tests.word_samples import procedure_docx


def _with_broken_stream(data: bytes, part: str) -> bytes:
    """The zip with the deflated stream of ``part`` overwritten in the middle."""
    broken = bytearray(data)
    start = broken.index(part.encode()) + len(part)
    broken[start + 40 : start + 60] = b"\xff" * 20
    return bytes(broken)


def test_a_word_file_with_a_damaged_part_is_refused_as_damaged() -> None:
    data = _with_broken_stream(procedure_docx(), "word/document.xml")
    with pytest.raises(ValidationError, match=r"not a Word file .* damaged"):
        package.check(data, suffix=".docx")


def test_the_count_stops_at_the_cap() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"x" * 10_000)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        zipsize.check_expansion(archive, limit=10_000)
        with pytest.raises(zipsize.TooLarge):
            zipsize.check_expansion(archive, limit=9_999)
