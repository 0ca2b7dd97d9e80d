"""Searching the register: bodies of effective issues, diacritics optional, pages."""

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import alembic_config, make_engine, read_session
from qms.services.documents import search
from qms.services.people import users
from tests.helpers import effective_document, new_draft, revise, to_effective


def _codes(engine: Engine, viewer: str, **kwargs: object) -> list[str]:
    with read_session(engine) as session:
        page = search.register_page(session, viewer=users.get_user(session, viewer), **kwargs)  # type: ignore[arg-type]
        return [row.document.code for row in page.rows]


def test_body_words_are_found_by_prefix_with_or_without_diacritics(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02", body="Chỉ có trong bản nháp: thẩm định.")
    assert _codes(engine, "lan", search="tiếp nhận hồ sơ") == ["QT-01"]
    assert _codes(engine, "lan", search="tiep nhan ho so") == ["QT-01"]
    assert _codes(engine, "lan", search="TIEP NHA") == ["QT-01"]  # prefixes
    assert _codes(engine, "thu", search="tham dinh") == []  # drafts are not indexed
    assert _codes(engine, "thu", search="qt-0") == ["QT-01", "QT-02"]  # codes, anywhere


def test_index_follows_the_effective_issue(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    revise(engine, n=7)  # body of issue 2: "Bước 7"
    assert _codes(engine, "lan", search="buoc 7") == []
    to_effective(engine)
    assert _codes(engine, "lan", search="buoc 7") == ["QT-01"]


def test_status_filter_and_staff_view(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02")
    assert _codes(engine, "thu", status="draft") == ["QT-02"]
    assert _codes(engine, "thu", status="effective") == ["QT-01"]
    assert sorted(_codes(engine, "thu")) == ["QT-01", "QT-02"]
    assert _codes(engine, "lan") == ["QT-01"]


def test_migration_indexes_existing_effective_issues(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO department (id, code, name, name_en) VALUES (1, 'VP', 'Văn phòng', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO document (id, code, title, doc_type, department_id, language, "
                "review_interval_months, search_text, title_sort_key, issuer, external_ref, "
                "external_version, created_at) VALUES (1, 'QT-01', 'Quy trình', 'procedure', 1, "
                "'vi', 12, 'qt-01 quy trinh', 'x', '', '', '', '2026-01-01')"
            )
        )
        for issue, status, body in ((1, "superseded", "Cũ"), (2, "effective", "Kiểm soát Hồ sơ")):
            connection.execute(
                text(
                    "INSERT INTO revision (document_id, issue, status, body, reason, description, "
                    "content_hash, origin, created_at, updated_at) VALUES (1, :issue, :status, "
                    ":body, '', '', 'h', 'import', '2026-01-01', '2026-01-01')"
                ),
                {"issue": issue, "status": status, "body": body},
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        terms = connection.execute(text("SELECT term FROM search_term ORDER BY term")).scalars()
        assert list(terms) == ["ho", "kiem", "so", "soat"]
    engine.dispose()
