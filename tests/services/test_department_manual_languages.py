"""A department's manual holds the documents in the organisation's language; its
documents in another language go in only when the organisation's setting says so."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import ValidationError
from qms.services.documents import renditions
from qms.services.people import org_settings, users
from tests.helpers import new_draft, snapshot, to_effective

ENGLISH_BODY = "# 1. Purpose\n\nHow incoming parts are inspected.\n"


def _contents(manual: bytes) -> list[str]:
    """The manual's table of contents as its bookmarks list it."""
    return [item.title for item in PdfReader(io.BytesIO(manual)).outline]


def _say(engine: Engine, value: str) -> None:
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        org_settings.change(
            session, actor=admin, values={renditions.OTHER_LANGUAGES_SETTING: value}
        )


@pytest.fixture
def office_with_an_english_document(engine: Engine) -> Engine:
    new_draft(engine, "QT-01")
    to_effective(engine, "QT-01")
    new_draft(engine, "HD-07", title="Incoming inspection", language="en", body=ENGLISH_BODY)
    to_effective(engine, "HD-07")
    return engine


def test_english_documents_stay_out_unless_the_organisation_says_so(
    office_with_an_english_document: Engine,
) -> None:
    engine = office_with_an_english_document
    with write_session(engine) as session:
        vietnamese = renditions.manual_pdf(session, department="VP", language="vi")
        english_reader = renditions.manual_pdf(session, department="VP", language="en")
        whole = renditions.manual_pdf(session, language="vi")  # the organisation's: all
    assert _contents(vietnamese) == ["QT-01 — Quy trình kiểm soát tài liệu"]
    assert "Incoming inspection" not in "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(vietnamese)).pages
    )
    # The organisation is Vietnamese: its department's manual in English (for a reader
    # who chose English) holds the same documents.
    assert _contents(english_reader) == ["QT-01 — Quy trình kiểm soát tài liệu"]

    _say(engine, "yes")
    with write_session(engine) as session:
        both = renditions.manual_pdf(session, department="VP", language="vi")
    assert _contents(both) == [
        "HD-07 — Incoming inspection",
        "QT-01 — Quy trình kiểm soát tài liệu",
    ]
    assert _contents(whole) == _contents(both)

    _say(engine, "no")
    with write_session(engine) as session:
        again = renditions.manual_pdf(session, department="VP", language="vi")
    assert again == vietnamese  # the stored compilation, served again


def test_the_setting_takes_only_yes_or_no(engine: Engine) -> None:
    with read_session(engine) as session:
        admin = users.get_user(session, "admin")
        shown = {row.key: row for row in org_settings.current(session, viewer=admin)}
    row = shown[renditions.OTHER_LANGUAGES_SETTING]
    assert row.value == "no"
    assert [value for value, _ in row.choices] == ["no", "yes"]
    before = snapshot(engine)
    with pytest.raises(ValidationError, match="yes or no"):
        _say(engine, "maybe")
    assert snapshot(engine) == before


def test_a_departments_bundle_is_titled_as_the_documents_in_force_of_the_department(
    office_with_an_english_document: Engine,
) -> None:
    with write_session(office_with_an_english_document) as session:
        department = renditions.manual_pdf(session, department="VP", language="vi")
        whole = renditions.manual_pdf(session, language="vi")
    cover = " ".join(PdfReader(io.BytesIO(department)).pages[0].extract_text().split())
    assert "Tập tài liệu hiện hành của phòng Văn phòng HĐND và UBND quận" in cover
    assert PdfReader(io.BytesIO(department)).metadata.title.startswith("Tập tài liệu hiện hành")
    whole_cover = PdfReader(io.BytesIO(whole)).pages[0].extract_text()
    assert "Hệ thống quản lý chất lượng — Tài liệu hiện hành" in " ".join(whole_cover.split())
