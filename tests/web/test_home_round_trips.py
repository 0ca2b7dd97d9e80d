"""The home page asks the database little: a coordinator's, with something in each of its
sections of issues and in "due soon", is read in a handful of statements, however many
sections it shows (each statement is a round trip, which costs about as much as the
work the database does for it)."""

from datetime import timedelta

from sqlalchemy.engine import Engine

from qms import clock
from tests.helpers import documents_in_every_state, statements_sent
from tests.pinned_clock import NOW

# The sign-in's session, the organisation's settings, the sections' counts (with what
# they need to know besides), the periodic reviews falling due, the first page of every
# section of issues, and the bell's unread notices.
HOME_STATEMENTS = 6


def test_a_coordinators_home_page_is_read_in_a_few_statements(  # type: ignore[no-untyped-def]
    web_engine: Engine, as_user
) -> None:
    documents_in_every_state(web_engine)  # a draft, two in review, one approved
    with clock.pinned(NOW + timedelta(days=17)):  # QT-01's readers are late by then
        thu = as_user("thu")
        thu.get("/")  # the sign-in's first page records its activity
        with statements_sent(web_engine) as sent:
            home = thu.get("/").text
    for section in ("drafts", "waiting", "publish", "late_readers", "due_soon"):
        assert f'id="inbox-{section}"' in home
    assert len(sent) <= HOME_STATEMENTS, "\n\n".join(sent)
