"""Where each document's issues stand, on the document row (an effective issue, the state
of the issue in progress, withdrawn), with an index the register counts from alone: at
city scale its filters and counts no longer join every document to its issues. And an
index for the inbox's sections of issues in a state, oldest first, whoever drafted them.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases (a batch copy of the table would
    # have to drop a table the issues refer to).
    op.add_column(
        "document", sa.Column("in_effect", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("document", sa.Column("in_progress", sa.String(length=20), nullable=True))
    op.add_column(
        "document", sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.execute(
        "UPDATE document SET "
        "in_effect = EXISTS (SELECT 1 FROM revision WHERE revision.document_id = document.id "
        "AND revision.status = 'effective'), "
        "in_progress = (SELECT MIN(revision.status) FROM revision "
        "WHERE revision.document_id = document.id "
        "AND revision.status IN ('draft', 'in_review', 'approved'))"
    )
    op.execute(
        "UPDATE document SET withdrawn = NOT in_effect AND in_progress IS NULL "
        "AND EXISTS (SELECT 1 FROM revision WHERE revision.document_id = document.id "
        "AND revision.status = 'obsolete')"
    )
    op.create_index(
        "ix_document_register_counts",
        "document",
        ["in_effect", "doc_type", "department_id", "in_progress", "withdrawn"],
    )
    op.create_index(
        "ix_revision_status_updated", "revision", ["status", "updated_at", "document_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_revision_status_updated", table_name="revision")
    op.drop_index("ix_document_register_counts", table_name="document")
    for column in ("withdrawn", "in_progress", "in_effect"):
        op.drop_column("document", column)
