"""What the register's sorted pages read is kept on the document row (the day its
effective issue took effect, where it stands in a document's life, its department's
code) in the transaction of each step, filled by the migration for existing data, and
the sorted pages read it from there."""

from datetime import date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import alembic_config, make_engine, read_session
from qms.services.documents import revisions, search
from qms.services.people import users
from tests.helpers import act, effective_document, new_draft, revise, to_effective
from tests.seed import PASSWORD

STALE = "2001-02-03 00:00:00"


def _keys(engine: Engine, code: str) -> tuple[datetime | None, int, str]:
    """The row's ``effective_on`` (as a naive moment), ``status_rank`` and
    ``department_code``."""
    with engine.connect() as connection:
        on, rank, dept = connection.execute(
            text(
                "SELECT effective_on, status_rank, department_code FROM document WHERE code = :code"
            ),
            {"code": code},
        ).one()
    return _moment(on), rank, dept


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back its stored text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=None)


def _effective_day(engine: Engine, code: str) -> datetime:
    """The day the effective issue of ``code`` took effect, read from the issues (what
    the register sorted by before the day was kept on the row)."""
    with engine.connect() as connection:
        planned, at = connection.execute(
            text(
                "SELECT revision.planned_effective_date, revision.effective_at FROM revision "
                "JOIN document ON document.id = revision.document_id "
                "WHERE document.code = :code AND revision.status = 'effective'"
            ),
            {"code": code},
        ).one()
    if planned is not None:
        planned = date.fromisoformat(planned) if isinstance(planned, str) else planned
        return datetime.combine(planned, datetime.min.time())
    moment = _moment(at)
    assert moment is not None
    return moment


def _codes(engine: Engine, viewer: str = "thu", **kwargs: object) -> list[str]:
    with read_session(engine) as session:
        page = search.register_page(session, viewer=users.get_user(session, viewer), **kwargs)  # type: ignore[arg-type]
        return [row.document.code for row in page.rows]


def test_each_step_keeps_the_sort_keys_current(engine: Engine) -> None:
    new_draft(engine, "QT-01", department="TP")
    assert _keys(engine, "QT-01") == (None, 0, "TP")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    assert _keys(engine, "QT-01")[1] == 1
    to_effective_rest(engine, "QT-01")
    first_day = _effective_day(engine, "QT-01")
    assert _keys(engine, "QT-01") == (first_day, 3, "TP")
    revise(engine, "QT-01", n=2)
    assert _keys(engine, "QT-01") == (first_day, 3, "TP")  # the draft does not move it
    with engine.begin() as connection:  # a stale day, to show the next issue replaces it
        connection.execute(text("UPDATE document SET effective_on = :day"), {"day": STALE})
    to_effective(engine, "QT-01")
    assert _keys(engine, "QT-01") == (_effective_day(engine, "QT-01"), 3, "TP")
    revise(engine, "QT-01", n=3)
    act(engine, revisions.obsolete, "thu", code="QT-01", reason="Không còn áp dụng")
    assert _keys(engine, "QT-01") == (None, 4, "TP")


def to_effective_rest(engine: Engine, code: str) -> None:
    """Review, approve and publish the issue already submitted."""
    act(engine, revisions.review, "hung", code=code, accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code=code, password=PASSWORD)
    assert _keys(engine, code)[1] == 2
    act(engine, revisions.publish, "thu", code=code)


@pytest.mark.parametrize("walk_from", [search.WALK_FROM, 0])
def test_sorted_pages_read_the_row(
    engine: Engine, walk_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row decides each sorted order (changed behind the services' back here, to
    show that neither the issues nor the departments are read again), whether the page
    is read by walking the order's index or not."""
    monkeypatch.setattr(search, "WALK_FROM", walk_from)
    for code in ("QT-01", "QT-02", "QT-03"):
        effective_document(engine, code)
    new_draft(engine, "QT-04")
    with engine.begin() as connection:
        for code, day, dept, rank in (
            ("QT-01", "2026-03-01 00:00:00", "ZZ", 3),
            ("QT-02", "2025-01-01 00:00:00", "AA", 1),
            ("QT-03", "2027-06-30 00:00:00", "MM", 4),
        ):
            connection.execute(
                text(
                    "UPDATE document SET effective_on = :day, department_code = :dept, "
                    "status_rank = :rank WHERE code = :code"
                ),
                {"day": day, "dept": dept, "rank": rank, "code": code},
            )
    assert _codes(engine, sort="effective") == ["QT-02", "QT-01", "QT-03", "QT-04"]
    assert _codes(engine, sort="effective", descending=True) == [
        "QT-04",
        "QT-03",
        "QT-01",
        "QT-02",
    ]
    assert _codes(engine, "lan", sort="effective") == ["QT-02", "QT-01", "QT-03"]
    assert _codes(engine, sort="department") == ["QT-02", "QT-03", "QT-04", "QT-01"]
    assert _codes(engine, sort="status") == ["QT-04", "QT-02", "QT-01", "QT-03"]


def test_migration_fills_the_sort_keys(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    config = alembic_config(engine)
    command.upgrade(config, "0019")
    with engine.begin() as connection:
        for dept_id, code in ((1, "VP"), (2, "TP")):
            connection.execute(
                text(
                    "INSERT INTO department (id, code, name, name_en) VALUES (:id, :code, 'x', '')"
                ),
                {"id": dept_id, "code": code},
            )
        for doc_id, code, dept in ((1, "QT-01", 1), (2, "QT-02", 2), (3, "QT-03", 1)):
            connection.execute(
                text(
                    "INSERT INTO document (id, code, title, doc_type, department_id, language, "
                    "review_interval_months, search_text, title_sort_key, issuer, external_ref, "
                    "external_version, created_at, in_effect, in_progress, withdrawn) "
                    "VALUES (:id, :code, 'x', 'procedure', :dept, 'vi', 12, :search, 'x', '', "
                    "'', '', '2026-01-01', :in_effect, :progress, :gone)"
                ),
                {
                    "id": doc_id,
                    "code": code,
                    "dept": dept,
                    "search": code.lower(),
                    "in_effect": doc_id != 3,
                    "progress": "in_review" if doc_id == 2 else None,
                    "gone": doc_id == 3,
                },
            )
        issues = (
            (1, 1, "superseded", "2025-01-01", "2025-01-01 08:00:00"),
            (1, 2, "effective", "2026-04-15", "2026-04-10 09:30:00"),
            (2, 1, "effective", None, "2026-02-01 10:20:30"),
            (2, 2, "in_review", None, None),
            (3, 1, "obsolete", "2024-01-01", "2024-01-01 00:00:00"),
        )
        for doc_id, issue, status, planned, at in issues:
            connection.execute(
                text(
                    "INSERT INTO revision (document_id, issue, status, body, reason, description, "
                    "content_hash, origin, created_at, updated_at, planned_effective_date, "
                    "effective_at) VALUES (:doc, :issue, :status, '', '', '', 'h', 'import', "
                    "'2026-01-01', '2026-01-01', :planned, :at)"
                ),
                {
                    "doc": doc_id,
                    "issue": issue,
                    "status": status,
                    "planned": date.fromisoformat(planned) if planned else None,
                    "at": datetime.fromisoformat(at) if at else None,
                },
            )
    command.upgrade(config, "head")
    assert _keys(engine, "QT-01") == (datetime(2026, 4, 15), 3, "VP")
    assert _keys(engine, "QT-02") == (datetime(2026, 2, 1, 10, 20, 30), 3, "TP")
    assert _keys(engine, "QT-03") == (None, 4, "VP")
    engine.dispose()
