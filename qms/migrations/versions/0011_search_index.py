"""The register's full-text index in each database's own kind: an FTS5 table on SQLite,
a ``tsvector`` column with a GIN index on PostgreSQL (see
``qms.services.documents.search_index``), filled here for every document: the words of
its code and title, the indexed words of its effective body, and a marker per state its
issues are in. And an index for the inbox's sections (issues in a state, by drafter, oldest
first).

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-05
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qms.text import fold

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORD = re.compile(r"\w+")
_STATES = ("effective", "draft", "in_review", "approved", "obsolete")


def upgrade() -> None:
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_revision_status_drafter_updated",
            ["status", "drafted_by_id", "updated_at", "document_id"],
            unique=False,
        )
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE document_search (document_id INTEGER PRIMARY KEY "
            "REFERENCES document (id), words TSVECTOR NOT NULL)"
        )
        add = (
            "INSERT INTO document_search (document_id, words) "
            "VALUES (:id, array_to_tsvector(string_to_array(:words, ' ')))"
        )
    else:
        # Words are folded already (no diacritics to remove); '_' stays inside a word as
        # in Python's \w and '=' inside a state marker; prefix indexes answer the short
        # prefixes people type first.
        op.execute(
            "CREATE VIRTUAL TABLE document_search USING fts5(words, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_='\", "
            "prefix = '1 2 3', detail = none)"
        )
        add = "INSERT INTO document_search (rowid, words) VALUES (:id, :words)"
    titles = connection.execute(sa.text("SELECT id, search_text FROM document")).all()
    terms: dict[int, list[str]] = {}
    for document_id, term in connection.execute(
        sa.text("SELECT document_id, term FROM search_term")
    ):
        terms.setdefault(document_id, []).append(term)
    states: dict[int, set[str]] = {}
    for document_id, state in connection.execute(
        sa.text("SELECT DISTINCT document_id, status FROM revision")
    ):
        states.setdefault(document_id, set()).add(state)
    rows = []
    for document_id, title in titles:
        words = [w[:64] for w in _WORD.findall(fold(title))]
        words += sorted(terms.get(document_id, ()))
        words += sorted(f"={s}" for s in states.get(document_id, ()) if s in _STATES)
        rows.append({"id": document_id, "words": " ".join(words)})
    for start in range(0, len(rows), 5000):
        connection.execute(sa.text(add), rows[start : start + 5000])
    if connection.dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_document_search_words ON document_search USING gin (words)")


def downgrade() -> None:
    op.execute("DROP TABLE document_search")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index("ix_revision_status_drafter_updated")
