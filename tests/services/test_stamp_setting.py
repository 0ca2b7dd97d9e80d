"""The stamp on superseded and obsolete copies is the organisation's: the words its
document control procedure prescribes, kept as a setting an administrator changes."""

import io
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import ValidationError
from qms.services.documents import renditions
from qms.services.people import org_settings, organisation, users
from tests.helpers import effective_document, revise, snapshot, to_effective

STAMP = "TÀI LIỆU LỖI THỜI"
PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"


def _first_page(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def _set_stamp(engine: Engine, value: str) -> None:
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        org_settings.change(session, actor=admin, values={organisation.STAMP_SETTING: value})


def _superseded_copy(engine: Engine) -> str:
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        _, old, data = renditions.document_pdf(session, viewer=thu, code="QT-01", issue=1)
    assert old.status == "superseded"
    return _first_page(data)


def test_a_superseded_copy_carries_the_organisations_stamp(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    to_effective(engine)
    assert "BỊ THAY THẾ" in _superseded_copy(engine)  # unset: the catalog's words

    _set_stamp(engine, f"  {STAMP} ")
    with read_session(engine) as session:
        assert organisation.get_setting(session, organisation.STAMP_SETTING) == STAMP
    page = _superseded_copy(engine)
    assert STAMP in page
    assert "BỊ THAY THẾ" not in page


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        ("   ", "must not be empty"),
        ("X" * 41, "longer than 40 characters"),
        ("TÀI LIỆU\nLỖI THỜI", "must be one line"),
    ],
)
def test_a_stamp_empty_too_long_or_on_two_lines_is_refused(
    engine: Engine, value: str, refusal: str
) -> None:
    _set_stamp(engine, STAMP)
    before = snapshot(engine)
    with pytest.raises(ValidationError, match=refusal):
        _set_stamp(engine, value)
    assert snapshot(engine) == before


def test_an_unset_stamp_left_empty_on_the_form_is_not_a_change(engine: Engine) -> None:
    before = snapshot(engine)
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        changed = org_settings.change(
            session, actor=admin, values={organisation.STAMP_SETTING: "", "timezone": "UTC"}
        )
    assert changed == ["timezone"]
    assert snapshot(engine) != before
    with read_session(engine) as session:
        assert organisation.get_setting(session, organisation.STAMP_SETTING) == ""


def test_an_organisation_file_sets_the_stamp_and_the_demo_one_follows_qt01(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "organisation.yaml"
    path.write_text(f'organisation:\n  name: "UBND"\n  stamp: "{STAMP}"\n', encoding="utf-8")
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        organisation.load_organisation_file(session, actor=admin, path=path)
    with read_session(engine) as session:
        assert organisation.get_setting(session, organisation.STAMP_SETTING) == STAMP

    path.write_text(f'organisation:\n  name: "UBND"\n  stamp: "{"X" * 41}"\n', encoding="utf-8")
    before = snapshot(engine)
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        with pytest.raises(ValidationError, match=r"organisation\.yaml: .* longer than 40"):
            organisation.load_organisation_file(session, actor=admin, path=path)
    assert snapshot(engine) == before

    demo = yaml.safe_load((PROCEDURES / "organisation.yaml").read_text(encoding="utf-8"))
    qt01 = next(PROCEDURES.glob("QT-01*.md")).read_text(encoding="utf-8")
    assert demo["organisation"]["stamp"] == STAMP
    assert f'"{STAMP}"' in qt01
