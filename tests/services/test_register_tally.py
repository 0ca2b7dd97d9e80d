"""The register's tally: how many documents share a type, a department and where their
issues stand, kept by the database itself in the transaction of every change, so the
register's total and its filters' counts cost a few rows however large it grows."""

from functools import partial
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from qms.db import alembic_config, make_engine, read_session
from qms.services.documents import revisions, search, views
from qms.services.integrity import check as integrity
from qms.services.people import users
from qms.services.trail import chain
from tests.helpers import act, effective_document, new_draft, revise, snapshot, to_effective
from tests.seed import PASSWORD
from tests.services.test_concurrency import approved_issue_two, race

Group = tuple[str, str, bool, str, bool]


def _tally(engine: Engine) -> dict[Group, int]:
    """The tally's groups that hold documents, keyed by the department's code."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT t.doc_type, d.code, t.in_effect, t.in_progress, t.withdrawn, t.documents "
                "FROM register_tally t JOIN department d ON d.id = t.department_id "
                "WHERE t.documents <> 0"
            )
        ).all()
    return {(kind, dept, bool(eff), prog, bool(gone)): n for kind, dept, eff, prog, gone, n in rows}


def _counted(engine: Engine) -> dict[Group, int]:
    """The same groups counted from the documents themselves."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT doc.doc_type, d.code, doc.in_effect, COALESCE(doc.in_progress, ''), "
                "doc.withdrawn, COUNT(*) FROM document doc "
                "JOIN department d ON d.id = doc.department_id "
                "GROUP BY doc.doc_type, d.code, doc.in_effect, COALESCE(doc.in_progress, ''), "
                "doc.withdrawn"
            )
        ).all()
    return {(kind, dept, bool(eff), prog, bool(gone)): n for kind, dept, eff, prog, gone, n in rows}


def _sql(engine: Engine, statement: str, **params: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def test_the_tally_follows_every_change(engine: Engine) -> None:
    assert _tally(engine) == {}
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02", title="Quy trình đào tạo")
    new_draft(engine, "HD-01", title="Hướng dẫn vận hành", doc_type="work_instruction")
    assert _tally(engine) == {
        ("procedure", "VP", True, "", False): 1,
        ("procedure", "VP", False, "draft", False): 1,
        ("work_instruction", "VP", False, "draft", False): 1,
    }
    act(engine, revisions.submit, "thu", code="QT-02", password=PASSWORD)
    revise(engine, "QT-01", n=2)
    to_effective(engine, "QT-01")
    revise(engine, "QT-01", n=3)
    act(engine, revisions.obsolete, "thu", code="QT-01", reason="Không còn áp dụng")
    assert (
        _tally(engine)
        == _counted(engine)
        == {
            ("procedure", "VP", False, "", True): 1,
            ("procedure", "VP", False, "in_review", False): 1,
            ("work_instruction", "VP", False, "draft", False): 1,
        }
    )
    # Changes made outside the services (a repair in SQL) are counted as well.
    _sql(
        engine,
        "UPDATE document SET department_id = (SELECT id FROM department WHERE code = 'TP'), "
        "doc_type = 'form' WHERE code = 'HD-01'",
    )
    _sql(engine, "UPDATE document SET title = 'Quy trình đào tạo nội bộ' WHERE code = 'QT-02'")
    assert _tally(engine) == _counted(engine)
    assert ("form", "TP", False, "draft", False) in _tally(engine)
    _sql(
        engine,
        "INSERT INTO document (code, title, doc_type, department_id, language, "
        "review_interval_months, search_text, title_sort_key, issuer, external_ref, "
        "external_version, created_at, in_effect, withdrawn) VALUES ('BM-01', 'x', 'form', "
        "(SELECT id FROM department WHERE code = 'TP'), 'vi', 12, 'bm-01', 'x', '', '', '', "
        "'2026-01-01', :no, :no)",
        no=False,
    )
    assert _tally(engine)[("form", "TP", False, "", False)] == 1
    _sql(engine, "DELETE FROM document WHERE code = 'BM-01'")
    assert _tally(engine) == _counted(engine)
    assert len(_tally(engine)) == 3


def test_changes_at_the_same_moment_are_all_counted(engine: Engine, db_url: str) -> None:
    """Documents moving between groups, and new ones, in transactions that run at once
    (each on its own connection): every change lands in the tally, none waits forever."""
    approved_issue_two(engine)
    new_draft(engine, "QT-02")
    results = race(
        db_url,
        [
            partial(act, func=revisions.publish, actor="thu", code="QT-01"),
            partial(act, func=revisions.submit, actor="thu", code="QT-02", password=PASSWORD),
            partial(new_draft, code="QT-03"),
            partial(new_draft, code="HD-01", doc_type="work_instruction", department="TP"),
        ],
    )
    assert [result for result in results if isinstance(result, Exception)] == []
    assert (
        _tally(engine)
        == _counted(engine)
        == {
            ("procedure", "VP", True, "", False): 1,
            ("procedure", "VP", False, "in_review", False): 1,
            ("procedure", "VP", False, "draft", False): 1,
            ("work_instruction", "TP", False, "draft", False): 1,
        }
    )


def test_the_register_counts_from_the_tally(engine: Engine) -> None:
    """The register's totals and counts are the tally's (changed behind the services'
    back here, to show that the documents are not counted again), for the page with its
    filters' counts and for the API's page without them, for controllers and staff."""
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02")
    _sql(
        engine,
        "UPDATE register_tally SET documents = documents + 40 "
        "WHERE in_effect = :yes AND in_progress = ''",
        yes=True,
    )
    with read_session(engine) as session:
        thu, lan = users.get_user(session, "thu"), users.get_user(session, "lan")
        page = search.register_page(session, viewer=thu, facets=True)
        assert page.total == 42
        assert page.facets is not None
        assert page.facets.statuses["effective"] == 41
        assert page.facets.statuses["draft"] == 1
        assert page.facets.types == {"procedure": 42}
        assert page.facets.departments == {"VP": 42}
        staff = search.register_page(session, viewer=lan, facets=True, doc_type="procedure")
        assert staff.total == 41
        assert search.register_page(session, viewer=thu, status="draft").total == 1
        assert views.register_page(session, viewer=lan).total == 41
        assert views.register_page(session, viewer=thu, department="TP").total == 0


def test_the_upgrade_fills_the_tally(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    command.upgrade(alembic_config(engine), "0023")
    _sql(engine, "INSERT INTO department (id, code, name, name_en) VALUES (1, 'VP', 'VP', '')")
    for doc_id, code, in_effect, in_progress in (
        (1, "QT-01", True, None),
        (2, "QT-02", True, "draft"),
        (3, "QT-03", False, "draft"),
        (4, "QT-04", True, None),
    ):
        _sql(
            engine,
            "INSERT INTO document (id, code, title, doc_type, department_id, language, "
            "review_interval_months, search_text, title_sort_key, issuer, external_ref, "
            "external_version, created_at, in_effect, in_progress) VALUES (:id, :code, 'x', "
            "'procedure', 1, 'vi', 12, :search, 'x', '', '', '', '2026-01-01', :eff, :prog)",
            id=doc_id,
            code=code,
            search=code.lower(),
            eff=in_effect,
            prog=in_progress,
        )
    command.upgrade(alembic_config(engine), "head")
    assert _tally(engine) == {
        ("procedure", "VP", True, "", False): 2,
        ("procedure", "VP", True, "draft", False): 1,
        ("procedure", "VP", False, "draft", False): 1,
    }
    engine.dispose()


def test_the_integrity_check_names_a_tally_that_no_longer_matches(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02")
    with read_session(engine) as session:
        assert integrity.run(session, viewer=None).intact
    with engine.begin() as connection:  # a change that bypassed the triggers
        connection.execute(
            text("UPDATE register_tally SET documents = documents + 2 WHERE in_effect = :yes"),
            {"yes": True},
        )
    before = snapshot(engine)
    with read_session(engine) as session:
        report = integrity.run(session, viewer=None)
    assert not report.intact
    [mismatch] = [m for m in report.mismatches if m.record == "register"]
    assert (mismatch.expected, mismatch.found) == ("1", "3")
    assert mismatch.ref == "procedure/VP/in effect"
    assert "the register counts 3 documents in procedure/VP/in effect, but 1 are there" in (
        mismatch.message
    )
    assert snapshot(engine) == before


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_change_to_the_tally_takes_the_trail_writers_lock(engine: Engine) -> None:
    """The tally's trigger on PostgreSQL waits for the lock the trail's writers hold (the
    migration spells its key out, as migrations must not follow later code): while one
    transaction holds it, a change that moves a document between groups cannot commit."""
    new_draft(engine, "QT-02")
    with engine.connect() as holder, engine.connect() as changer:
        holder.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chain.WRITERS_LOCK_KEY})
        changer.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            changer.execute(text("UPDATE document SET in_progress = NULL WHERE code = 'QT-02'"))
        changer.rollback()
        holder.rollback()  # the lock is let go: the same change now goes through
        changer.execute(text("SET lock_timeout = '300ms'"))
        changer.execute(text("UPDATE document SET in_progress = NULL WHERE code = 'QT-02'"))
        changer.commit()
    assert _tally(engine) == _counted(engine)
