"""The corrective-action register page by page: counted by the database, every record
on exactly one page, in the register's order, on both databases."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.capa import views as capa_views
from qms.services.people import users
from tests.services import capa_setup as cs


def test_pages_go_through_every_record_once(engine: Engine) -> None:
    refs = [cs.open_complaint(engine, department="MC"), cs.open_complaint(engine, department="TP")]
    refs.append(cs.analysed(engine))  # in MC
    cs.add_action(engine, refs[2], "lan")
    refs += [cs.open_complaint(engine, department="MC"), cs.open_complaint(engine, department="TP")]
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        pages = [capa_views.capa_page(session, viewer=thu, page=n, per_page=2) for n in (1, 2, 3)]
        assert [page.total for page in pages] == [5, 5, 5]
        assert pages[0].pages == 3
        assert [[row.ref for row in page.rows] for page in pages] == [
            refs[0:2],
            refs[2:4],
            refs[4:5],
        ]
        assert pages[1].rows[0].open_actions == 1  # counts still come with the page
        mc = capa_views.capa_page(session, viewer=thu, department="MC", page=2, per_page=2)
        assert (mc.total, [row.ref for row in mc.rows]) == (3, [refs[3]])
        beyond = capa_views.capa_page(session, viewer=thu, page=9, per_page=2)
        assert (beyond.total, beyond.rows) == (5, [])


def _queries(engine: Engine, per_page: int) -> tuple[int, int]:
    """The rows of the register's first page and the statements that read it."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = capa_views.capa_page(session, viewer=thu, per_page=per_page)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return len(page.rows), len(statements)


def test_a_page_costs_the_same_queries_however_many_rows_it_shows(engine: Engine) -> None:
    for department in ("MC", "TP", "MC", "TP", "MC", "TP"):
        cs.open_complaint(engine, department=department)
    one_row, for_one = _queries(engine, per_page=1)
    six_rows, for_six = _queries(engine, per_page=6)
    assert (one_row, six_rows) == (1, 6)
    assert for_six == for_one  # nothing is read again for each record
