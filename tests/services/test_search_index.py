"""The register's full-text index (FTS5 on SQLite, tsvector on PostgreSQL): searches and
status filters are answered from it, and every change that moves what a document is
found by keeps it current in the same transaction."""

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import alembic_config, make_engine, read_session
from qms.services.documents import revisions, search
from qms.services.people import users
from tests.helpers import act, effective_document, new_draft, revise, to_effective
from tests.seed import PASSWORD


def _page(engine: Engine, viewer: str, **kwargs: object) -> search.RegisterPage:
    with read_session(engine) as session:
        return search.register_page(session, viewer=users.get_user(session, viewer), **kwargs)  # type: ignore[arg-type]


def _codes(engine: Engine, viewer: str, **kwargs: object) -> list[str]:
    return [row.document.code for row in _page(engine, viewer, **kwargs).rows]


def _forget(engine: Engine, code: str) -> None:
    """Take one document out of the index, behind the services' back."""
    key = "document_id" if engine.dialect.name == "postgresql" else "rowid"
    with engine.begin() as connection:
        connection.execute(
            text(
                f"DELETE FROM document_search WHERE {key} = "
                "(SELECT id FROM document WHERE code = :code)"
            ),
            {"code": code},
        )


def test_searches_and_status_filters_read_the_index(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    new_draft(engine, "QT-03")
    assert _codes(engine, "lan", search="kiem soat") == ["QT-01", "QT-02"]
    _forget(engine, "QT-01")
    _forget(engine, "QT-03")
    assert _codes(engine, "lan", search="kiem soat") == ["QT-02"]
    assert _codes(engine, "lan", search="qt-0") == ["QT-02"]
    assert _codes(engine, "thu", search="qt", status="effective") == ["QT-02"]
    assert _codes(engine, "thu", search="qt", status="draft") == []
    assert _page(engine, "lan", search="qt").total == 1
    # Without search words the register lists every document, indexed or not, and a
    # status filter reads the document's row (tests/services/test_register_standing.py).
    assert _page(engine, "thu").total == 3
    assert _codes(engine, "thu", status="effective") == ["QT-01", "QT-02"]


def test_a_title_cannot_pass_for_a_state(engine: Engine) -> None:
    new_draft(engine, "QT-01", title="Quy trình =effective")
    effective_document(engine, "QT-02")
    _forget(engine, "QT-02")
    assert _codes(engine, "lan") == ["QT-02"]  # without words its row answers: in effect
    assert _codes(engine, "lan", search="effective") == []
    assert _codes(engine, "thu", search="effective") == ["QT-01"]


def test_the_index_follows_each_step(engine: Engine) -> None:
    new_draft(engine, "QT-01", title="Quy trình đào tạo")
    assert _codes(engine, "thu", search="dao tao") == ["QT-01"]  # registered: title found
    assert _codes(engine, "thu", search="tiep nhan") == []  # a draft's body is not
    assert _codes(engine, "thu", status="draft") == ["QT-01"]
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    assert _codes(engine, "thu", status="draft") == []
    assert _codes(engine, "thu", status="in_review") == ["QT-01"]
    assert _codes(engine, "lan", search="dao tao") == []  # staff: effective issues only
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    assert _codes(engine, "thu", status="approved") == ["QT-01"]
    act(engine, revisions.publish, "thu", code="QT-01")
    assert _codes(engine, "lan", search="tiep nhan ho so") == ["QT-01"]  # published
    assert _codes(engine, "thu", status="effective") == ["QT-01"]
    revise(engine, "QT-01", n=7)
    assert _codes(engine, "thu", status="draft") == ["QT-01"]
    assert _codes(engine, "lan", search="buoc 7") == []
    to_effective(engine, "QT-01")
    assert _codes(engine, "lan", search="buoc 7") == ["QT-01"]
    act(engine, revisions.obsolete, "thu", code="QT-01", reason="Không còn áp dụng")
    assert _codes(engine, "lan", search="dao tao") == []  # withdrawn
    assert _codes(engine, "thu", search="buoc 7") == []  # no effective body to find
    assert _codes(engine, "thu", search="dao tao", status="obsolete") == ["QT-01"]
    assert _codes(engine, "thu", status="effective") == []


def test_migration_indexes_every_document(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    config = alembic_config(engine)
    command.upgrade(config, "0006")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO department (id, code, name, name_en) VALUES (1, 'VP', 'VP', '')")
        )
        for doc_id, code, title in ((1, "QT-01", "quy trinh dao tao"), (2, "BM-02", "bieu mau")):
            connection.execute(
                text(
                    "INSERT INTO document (id, code, title, doc_type, department_id, language, "
                    "review_interval_months, search_text, title_sort_key, issuer, external_ref, "
                    "external_version, created_at) VALUES (:id, :code, :title, 'procedure', 1, "
                    "'vi', 12, :search, 'x', '', '', '', '2026-01-01')"
                ),
                {"id": doc_id, "code": code, "title": title, "search": f"{code} {title}".lower()},
            )
        for doc_id, issue, status in ((1, 1, "superseded"), (1, 2, "effective"), (2, 1, "draft")):
            connection.execute(
                text(
                    "INSERT INTO revision (document_id, issue, status, body, reason, description, "
                    "content_hash, origin, created_at, updated_at) VALUES (:doc, :issue, :status, "
                    "'', '', '', 'h', 'import', '2026-01-01', '2026-01-01')"
                ),
                {"doc": doc_id, "issue": issue, "status": status},
            )
        connection.execute(
            text("INSERT INTO search_term (document_id, term) VALUES (1, 'kiem'), (1, 'soat')")
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        indexed = connection.execute(text("SELECT count(*) FROM document_search")).scalar_one()
    assert indexed == 2
    with read_session(engine) as session:

        def found(**kwargs: object) -> list[str]:
            page = search.register_page(session, viewer=None, **kwargs)  # type: ignore[arg-type]
            return [row.document.code for row in page.rows]

        assert found(search="kiem soat") == ["QT-01"]
        assert found(search="qt-01 dao") == ["QT-01"]
        assert found(search="bieu") == []  # a draft: not for anonymous viewers
        assert found() == ["QT-01"]
    engine.dispose()
