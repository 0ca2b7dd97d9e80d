"""Register filters the viewer may not use, or that do not exist, are refused rather than
quietly answered with another list."""

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import PermissionDenied, ValidationError
from qms.services import search, users
from tests.helpers import effective_document, new_draft


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
