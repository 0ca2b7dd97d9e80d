"""Register filters the viewer may not use, or that do not exist, are refused rather than
quietly answered with another list."""

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import NotFound, PermissionDenied, ValidationError
from qms.services.documents import register as documents
from qms.services.documents import search
from qms.services.people import users
from tests.helpers import effective_document, new_draft, revise


@pytest.mark.parametrize("viewer", ["lan", None])
@pytest.mark.parametrize("status", ["draft", "obsolete"])
def test_staff_and_anonymous_viewers_filter_on_effective_only(
    engine: Engine, viewer: str | None, status: str
) -> None:
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02")
    with read_session(engine) as session:
        reader = users.get_user(session, viewer) if viewer else None
        with pytest.raises(PermissionDenied, match=r"^staff see effective documents only$"):
            search.register_page(session, viewer=reader, status=status)
        page = search.register_page(session, viewer=reader, status="effective")
        assert [row.document.code for row in page.rows] == ["QT-01"]


def test_an_unknown_status_filter_is_refused(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        with pytest.raises(ValidationError, match=r"unknown status 'pending' \(one of effective"):
            search.register_page(session, viewer=thu, status="pending")
        assert [r.document.code for r in search.register_page(session, viewer=thu).rows] == [
            "QT-01"
        ]


def test_one_register_row_follows_the_same_visibility(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    revise(engine, "QT-01")
    new_draft(engine, "QT-02")
    with read_session(engine) as session:
        lan = users.get_active_user(session, "lan")
        thu = users.get_active_user(session, "thu")
        qt01 = documents.get_document(session, "QT-01")
        qt02 = documents.get_document(session, "QT-02")
        staff_row = search.register_row(session, viewer=lan, doc=qt01)
        assert (staff_row.current.issue, staff_row.in_progress) == (1, None)
        full_row = search.register_row(session, viewer=thu, doc=qt01)
        assert (full_row.current.issue, full_row.in_progress.issue) == (1, 2)
        draft_only = search.register_row(session, viewer=thu, doc=qt02)
        assert (draft_only.current, draft_only.in_progress.issue) == (None, 1)
        with pytest.raises(NotFound, match="QT-02 has no effective issue"):
            search.register_row(session, viewer=lan, doc=qt02)
