"""A department's page of the register, searched or not, is read from the index that lists
the department's documents in the register's order: the page's rows are found by walking
it, not by sorting every document of the department (at 100,000 documents on SQLite that
sort took a searched page from 13 to 36 ms)."""

from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.documents import search
from qms.services.people import users
from tests.helpers import new_draft

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # its planner, read back


def _page_plan(engine: Engine, **filters: Any) -> list[str]:
    """What SQLite does for the statement that reads the page's documents (the one
    ordered and limited), with the values it was sent with."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with read_session(engine) as session:
            thu = users.get_user(session, "thu")
            page = search.register_page(session, viewer=thu, **filters)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [row.document.code for row in page.rows] == ["QT-00", "QT-01", "QT-02", "QT-03"]
    [(statement, parameters)] = [
        (s, p) for s, p in sent if "ORDER BY" in s and "LIMIT" in s and "department" in s
    ]
    with engine.connect() as connection:
        cursor = connection.connection.cursor()
        rows = cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        cursor.close()
    return [str(row[-1]) for row in rows]


@pytest.mark.parametrize("words", [None, "kiem soat"])
def test_a_departments_page_walks_its_order_index(
    engine: Engine, words: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "WALK_FROM", 1)  # as large a register as walking pays for
    for n in range(4):
        new_draft(engine, f"QT-0{n}", title=f"Quy trình kiểm soát {n}", department="VP")
        new_draft(engine, f"HD-0{n}", title=f"Hướng dẫn kiểm soát {n}", department="TP")
    plan = _page_plan(engine, search=words, department="vp")
    assert any("ix_document_department_order" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
