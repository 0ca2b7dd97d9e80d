"""Input PostgreSQL cannot hold is refused alike on both databases: one ValidationError
(422 on the web) before any statement runs, and nothing saved. Found by fuzzing the API:
PostgreSQL answered a NUL character or a too large number with an error (a 503), and
SQLite stored the NUL in a document title."""

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import ValidationError
from qms.services.audits import views as audit_views
from qms.services.capa import views as capa_views
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.people import logins, sessions, users
from tests.helpers import act, effective_document, snapshot

LIFETIMES = sessions.Lifetimes.of(idle_minutes=30, max_hours=8)
NUL = r"^text cannot contain the NUL character \(U\+0000\)$"


def test_a_body_with_a_nul_character_is_refused_and_nothing_saved(engine: Engine) -> None:
    """A multi-line field: one-line fields refuse every control character themselves."""
    before = snapshot(engine)
    with pytest.raises(ValidationError, match=NUL):
        act(
            engine,
            revisions.create_document,
            "thu",
            code="QT-09",
            title="Quy trình mới",
            doc_type="procedure",
            department="VP",
            body="# 1. Mục đích\x00\n",
        )
    assert snapshot(engine) == before


def test_lookups_and_filters_with_a_nul_character_are_refused(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        with pytest.raises(ValidationError, match=NUL):
            documents.get_document(session, "QT-01\x00")
        with pytest.raises(ValidationError, match=NUL):
            capa_views.list_capas(session, viewer=thu, department="V\x00P")
        assert documents.get_document(session, "QT-01").code == "QT-01"


def test_a_sign_in_with_a_nul_character_is_refused_and_not_counted(engine: Engine) -> None:
    before = snapshot(engine)
    with read_session(engine) as session, pytest.raises(ValidationError, match=NUL):
        logins.sign_in(
            session, username="thu\x00", password="x", client="testclient", lifetimes=LIFETIMES
        )
    assert snapshot(engine) == before


@pytest.mark.parametrize("year", [2**31, 2**63, -(2**31) - 1])
def test_a_year_filter_beyond_the_databases_integers_is_refused(engine: Engine, year: int) -> None:
    with read_session(engine) as session:
        binh = users.get_user(session, "binh")
        with pytest.raises(ValidationError, match=rf"^the number {year} is out of range$"):
            audit_views.list_audits(session, viewer=binh, year=year)
        with pytest.raises(ValidationError, match=rf"^the number {year} is out of range$"):
            capa_views.list_capas(session, viewer=binh, year=year)
        assert audit_views.list_audits(session, viewer=binh, year=2**31 - 1) == []
