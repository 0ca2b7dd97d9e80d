"""The bell's unread count is asked only by pages that show the bell: an API answer, a
download or a static file never counts the user's notices."""

import re
from collections.abc import Callable

from sqlalchemy.engine import Engine

from tests.helpers import effective_document, statements_sent

ON_NOTICES = re.compile(r"\bnotice\b", re.IGNORECASE)


def bell_queries(statements: list[str]) -> list[str]:
    return [s for s in statements if ON_NOTICES.search(s)]


def test_only_pages_count_the_bell(web_engine: Engine, as_user: Callable[..., object]) -> None:  # type: ignore[type-arg]
    effective_document(web_engine, "QT-01")  # hung (VP) has a new issue to read
    hung = as_user("hung")
    thu = as_user("thu")

    with statements_sent(web_engine) as api:
        answer = hung.get("/api/documents")  # type: ignore[attr-defined]
    assert answer.status_code == 200
    assert api, "the API request reads the session and the register"
    assert bell_queries(api) == []

    with statements_sent(web_engine) as download:
        word = thu.get("/documents/QT-01/docx")  # type: ignore[attr-defined]
    assert word.status_code == 200
    assert bell_queries(download) == []

    with statements_sent(web_engine) as static:
        assert hung.get("/static/qms.css").status_code == 200  # type: ignore[attr-defined]
    assert static == []

    with statements_sent(web_engine) as page:
        home = hung.get("/")  # type: ignore[attr-defined]
    assert len(bell_queries(page)) == 1  # the bell: one count
    assert '<span class="unread"' in home.text
