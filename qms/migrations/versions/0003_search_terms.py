"""Search index over the bodies of effective issues (folded words per document), and
indexes for the register's order and its "has an issue in this state" checks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qms.text import fold

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORD = re.compile(r"\w+")


def upgrade() -> None:
    op.create_table(
        "search_term",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("document_id", "term"),
    )
    with op.batch_alter_table("search_term", schema=None) as batch_op:
        batch_op.create_index("ix_search_term_term_document", ["term", "document_id"], unique=False)
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index("ix_document_title_order", ["title_sort_key", "code"], unique=False)
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_revision_document_status", ["document_id", "status"], unique=False
        )
    _fill_existing()


def _fill_existing() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT document_id, body FROM revision WHERE status = 'effective'")
    ).all()
    table = sa.table("search_term", sa.column("document_id"), sa.column("term"))
    values = [
        {"document_id": document_id, "term": term}
        for document_id, body in rows
        for term in sorted({w[:64] for w in _WORD.findall(fold(body))})
    ]
    if values:
        op.bulk_insert(table, values)


def downgrade() -> None:
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index("ix_revision_document_status")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_title_order")
    with op.batch_alter_table("search_term", schema=None) as batch_op:
        batch_op.drop_index("ix_search_term_term_document")
    op.drop_table("search_term")
