"""Where a document's issues stand is kept on its row (an effective issue, the state of
its issue in progress, withdrawn) in the transaction of each step, and the register's
status filters, counts and status order read it from there."""

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import alembic_config, make_engine, read_session
from qms.services.documents import revisions, search
from qms.services.people import users
from tests.helpers import act, effective_document, new_draft, revise, to_effective
from tests.seed import PASSWORD

EMPTY = {"effective": 0, "draft": 0, "in_review": 0, "approved": 0, "obsolete": 0}


def _standing(engine: Engine, code: str) -> tuple[bool, str | None, bool]:
    with engine.connect() as connection:
        in_effect, in_progress, withdrawn = connection.execute(
            text("SELECT in_effect, in_progress, withdrawn FROM document WHERE code = :code"),
            {"code": code},
        ).one()
    return bool(in_effect), in_progress, bool(withdrawn)


def _page(engine: Engine, viewer: str, **kwargs: object) -> search.RegisterPage:
    with read_session(engine) as session:
        return search.register_page(
            session,
            viewer=users.get_user(session, viewer),
            facets=True,
            **kwargs,  # type: ignore[arg-type]
        )


def _codes(engine: Engine, viewer: str, **kwargs: object) -> list[str]:
    return [row.document.code for row in _page(engine, viewer, **kwargs).rows]


def _statuses(engine: Engine) -> dict[str, int]:
    facets = _page(engine, "thu").facets
    assert facets is not None
    return facets.statuses


def test_each_step_keeps_the_row_and_the_counts_current(engine: Engine) -> None:
    effective_document(engine, "QT-02")
    new_draft(engine, "QT-01", title="Quy trình đào tạo")
    assert _standing(engine, "QT-01") == (False, "draft", False)
    assert _statuses(engine) == {**EMPTY, "effective": 1, "draft": 1}
    assert _codes(engine, "lan") == ["QT-02"]
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    assert _standing(engine, "QT-01") == (False, "in_review", False)
    assert _codes(engine, "thu", status="in_review") == ["QT-01"]
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    assert _standing(engine, "QT-01") == (False, "approved", False)
    assert _statuses(engine) == {**EMPTY, "effective": 1, "approved": 1}
    act(engine, revisions.publish, "thu", code="QT-01")
    assert _standing(engine, "QT-01") == (True, None, False)
    assert _codes(engine, "lan") == ["QT-01", "QT-02"]  # published: staff see it at once
    staff = _page(engine, "lan")
    assert staff.total == 2
    assert staff.facets is not None
    assert staff.facets.types == {"procedure": 2}
    revise(engine, "QT-01", n=3)
    assert _standing(engine, "QT-01") == (True, "draft", False)
    assert _statuses(engine) == {**EMPTY, "effective": 2, "draft": 1}
    to_effective(engine, "QT-01")
    assert _standing(engine, "QT-01") == (True, None, False)
    revise(engine, "QT-01", n=4)
    act(engine, revisions.obsolete, "thu", code="QT-01", reason="Không còn áp dụng")
    assert _standing(engine, "QT-01") == (False, None, True)
    assert _codes(engine, "lan") == ["QT-02"]  # withdrawn: gone for staff at once
    assert _codes(engine, "thu", status="obsolete") == ["QT-01"]
    assert _codes(engine, "thu", status="effective") == ["QT-02"]
    assert _statuses(engine) == {**EMPTY, "effective": 1, "obsolete": 1}
    by_type = _page(engine, "thu", status="obsolete").facets
    assert by_type is not None
    assert by_type.types == {"procedure": 1}
    assert by_type.departments == {"VP": 1}


@pytest.mark.parametrize("walk_from", [search.WALK_FROM, 0])
def test_status_filters_and_order_read_the_row(
    engine: Engine, walk_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without search words, what the row says decides (changed behind the services'
    back here, to show that the issues are not read again), whether the page is read
    by walking the order's index (many matches) or not."""
    monkeypatch.setattr(search, "WALK_FROM", walk_from)
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE document SET in_progress = 'approved' WHERE code = 'QT-02'")
        )
    assert _codes(engine, "thu", status="approved") == ["QT-02"]
    assert _codes(engine, "thu", status="draft") == []
    assert _codes(engine, "thu", sort="status") == ["QT-02", "QT-01"]
    with engine.begin() as connection:
        connection.execute(text("UPDATE document SET in_effect = false WHERE code = 'QT-01'"))
    assert _codes(engine, "lan") == []
    assert _page(engine, "lan").total == 0


def test_migration_fills_the_rows(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    config = alembic_config(engine)
    command.upgrade(config, "0018")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO department (id, code, name, name_en) VALUES (1, 'VP', 'VP', '')")
        )
        for doc_id, code in ((1, "QT-01"), (2, "QT-02"), (3, "QT-03"), (4, "QT-04")):
            connection.execute(
                text(
                    "INSERT INTO document (id, code, title, doc_type, department_id, language, "
                    "review_interval_months, search_text, title_sort_key, issuer, external_ref, "
                    "external_version, created_at) VALUES (:id, :code, 'x', 'procedure', 1, "
                    "'vi', 12, :search, 'x', '', '', '', '2026-01-01')"
                ),
                {"id": doc_id, "code": code, "search": code.lower()},
            )
        issues = (
            (1, 1, "superseded"),
            (1, 2, "effective"),
            (2, 1, "effective"),
            (2, 2, "in_review"),
            (3, 1, "obsolete"),
            (4, 1, "draft"),
        )
        for doc_id, issue, status in issues:
            connection.execute(
                text(
                    "INSERT INTO revision (document_id, issue, status, body, reason, description, "
                    "content_hash, origin, created_at, updated_at) VALUES (:doc, :issue, :status, "
                    "'', '', '', 'h', 'import', '2026-01-01', '2026-01-01')"
                ),
                {"doc": doc_id, "issue": issue, "status": status},
            )
    command.upgrade(config, "head")
    assert _standing(engine, "QT-01") == (True, None, False)
    assert _standing(engine, "QT-02") == (True, "in_review", False)
    assert _standing(engine, "QT-03") == (False, None, True)
    assert _standing(engine, "QT-04") == (False, "draft", False)
    engine.dispose()
