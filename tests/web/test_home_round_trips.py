"""The home page asks the database little: a coordinator's, with something in each of its
sections of issues and in "due soon", is read in a handful of statements, however many
sections it shows (each statement is a round trip, which costs about as much as the
work the database does for it)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from qms import clock
from tests.helpers import documents_in_every_state
from tests.pinned_clock import NOW

# The sign-in's session, the organisation's settings, the sections' counts (with what
# they need to know besides), the periodic reviews falling due, the first page of every
# section of issues, and the bell's unread notices.
HOME_STATEMENTS = 6


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent through ``engine`` meanwhile (transaction control aside)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_coordinators_home_page_is_read_in_a_few_statements(  # type: ignore[no-untyped-def]
    web_engine: Engine, as_user
) -> None:
    documents_in_every_state(web_engine)  # a draft, two in review, one approved
    with clock.pinned(NOW + timedelta(days=17)):  # QT-01's readers are late by then
        thu = as_user("thu")
        thu.get("/")  # the sign-in's first page records its activity
        with statements(web_engine) as sent:
            home = thu.get("/").text
    for section in ("drafts", "waiting", "publish", "late_readers", "due_soon"):
        assert f'id="inbox-{section}"' in home
    assert len(sent) <= HOME_STATEMENTS, "\n\n".join(sent)
