"""References keep the order of their numbers past the width they are written with:
``CAR-<year>-1000`` comes after ``CAR-<year>-999`` and ``IA-<year>-100`` after
``IA-<year>-99`` wherever records are listed by reference (as text they came first), and
``RR-1000`` after ``RR-999``. On both databases."""

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services import inbox
from qms.services.audits import views as audit_views
from qms.services.capa import actions as capa_actions
from qms.services.capa import records as capa_records
from qms.services.capa import views as capa_views
from qms.services.people import users
from qms.services.risks import views as risk_views
from tests.pinned_clock import TODAY
from tests.services import capa_setup as cs
from tests.services.test_risks import add as add_risk

ACTIONS_DUE = "actions_due"


def _renumber_first(engine: Engine, table: str, ref: str, new_ref: str) -> None:
    """Move a year's numbering on by renaming its first record: the next reference is
    numbered after the highest one (the renamed record keeps its stored number, 1)."""
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET ref = :new WHERE ref = :ref"),
            {"new": new_ref, "ref": ref},
        )


def test_corrective_actions_past_999_keep_their_order(engine: Engine) -> None:
    first = cs.planned(engine, owners=("lan",))
    year = first.split("-")[1]
    _renumber_first(engine, "corrective_action_request", first, f"CAR-{year}-998")
    later = [cs.planned(engine, owners=("lan",)) for _ in range(3)]
    assert later == [f"CAR-{year}-999", f"CAR-{year}-1000", f"CAR-{year}-1001"]
    expected = [f"CAR-{year}-998", *later]
    cs.pass_days(engine, "capa_action", "due_date", 20)  # every action is late now

    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        register = [c.ref for c in capa_views.list_capas(session, viewer=None)]
        page = [c.ref for c in capa_views.capa_page(session, viewer=thu, per_page=2, page=2).rows]
        overdue = [a.ref for a in capa_actions.overdue(session, viewer=None).actions]
        overdue_pages = [
            capa_actions.overdue_page(session, viewer=None, page=n, per_page=3) for n in (1, 2)
        ]
        pdf_rows = [r.ref for r in capa_records.register_data(session).rows]
        lan = users.get_user(session, "lan")
        in_inbox = inbox.inbox_section(session, viewer=lan, key=ACTIONS_DUE)
    assert register == expected
    assert page == expected[2:]
    assert overdue == expected
    assert [[a.ref for a in p.actions.rows] for p in overdue_pages] == [expected[:3], expected[3:]]
    assert [p.actions.total for p in overdue_pages] == [4, 4]
    assert pdf_rows == expected
    assert [item.code for item in in_inbox.items] == expected  # all due the same day


def test_audits_past_99_keep_their_order(engine: Engine) -> None:
    first = cs.plan_mc(engine)
    year = first.split("-")[1]
    _renumber_first(engine, "audit", first, f"IA-{year}-98")
    later = [cs.plan_mc(engine) for _ in range(2)]
    assert later == [f"IA-{year}-99", f"IA-{year}-100"]

    with read_session(engine) as session:
        binh = users.get_user(session, "binh")
        listed = [a.ref for a in audit_views.list_audits(session, viewer=binh)]
    assert listed == [f"IA-{year}-98", *later]


def test_risks_past_999_keep_their_order(engine: Engine) -> None:
    first = add_risk(engine)
    _renumber_first(engine, "risk", first, "RR-998")
    later = [add_risk(engine) for _ in range(3)]
    assert later == ["RR-999", "RR-1000", "RR-1001"]

    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        listed = [r.ref for r in risk_views.register_view(session, viewer=thu, today=TODAY)]
    assert listed == ["RR-998", *later]
