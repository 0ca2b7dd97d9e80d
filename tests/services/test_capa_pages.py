"""The corrective-action register page by page: counted by the database, every record
on exactly one page, in the register's order, on both databases."""

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.capa import actions as capa_actions
from qms.services.capa import views as capa_views
from qms.services.people import users
from tests.helpers import statements_sent
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
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        with statements_sent(engine) as statements:
            page = capa_views.capa_page(session, viewer=thu, per_page=per_page)
    return len(page.rows), len(statements)


def test_a_page_costs_the_same_queries_however_many_rows_it_shows(engine: Engine) -> None:
    for department in ("MC", "TP", "MC", "TP", "MC", "TP"):
        cs.open_complaint(engine, department=department)
    one_row, for_one = _queries(engine, per_page=1)
    six_rows, for_six = _queries(engine, per_page=6)
    assert (one_row, six_rows) == (1, 6)
    assert for_six == for_one  # nothing is read again for each record


def test_overdue_actions_and_verifications_come_a_page_at_a_time(engine: Engine) -> None:
    mc = cs.planned(engine, owners=("lan", "hung"), department="MC")
    tp = cs.planned(engine, owners=("mai",), department="TP")
    cs.pass_days(engine, "capa_action", "due_date", 20)  # all three actions are late
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        pages = [capa_actions.overdue_page(session, viewer=thu, page=n, per_page=2) for n in (1, 2)]
        whole = capa_actions.overdue(session, viewer=thu)
        tp_only = capa_actions.overdue_page(session, viewer=thu, department="TP", per_page=2)
    assert [(p.actions.total, p.actions.pages) for p in pages] == [(3, 2), (3, 2)]
    assert [[(a.owner, a.ref) for a in p.actions.rows] for p in pages] == [
        [("hung", mc), ("lan", mc)],
        [("mai", tp)],
    ]
    assert [a for p in pages for a in p.actions.rows] == whole.actions
    assert (tp_only.actions.total, [a.ref for a in tp_only.actions.rows]) == (1, [tp])

    cs.done(engine, mc)
    cs.done(engine, tp, owners=("mai",))
    cs.pass_days(engine, "corrective_action_request", "verification_due", 31)
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        late = [
            capa_actions.overdue_page(session, viewer=thu, verifications_page=n, per_page=1)
            for n in (1, 2)
        ]
        hung = capa_actions.overdue_page(session, viewer=thu, owner="hung")
    assert [(p.verifications.total, p.actions.total) for p in late] == [(2, 0), (2, 0)]
    assert [[v.ref for v in p.verifications.rows] for p in late] == [[mc], [tp]]
    assert (hung.verifications.total, hung.verifications.rows) == (0, [])
