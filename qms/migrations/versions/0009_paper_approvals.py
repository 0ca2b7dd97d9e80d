"""Issues approved on paper: their handwritten signatures and earlier revision history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paper_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("meaning", sa.String(length=20), nullable=False),
        sa.Column("printed_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["revision_id"], ["revision.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_paper_signature_revision_id", "paper_signature", ["revision_id"])
    op.create_table(
        "paper_history_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("issue", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("change", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["revision_id"], ["revision.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_paper_history_line_revision_id", "paper_history_line", ["revision_id"])


def downgrade() -> None:
    op.drop_index("ix_paper_history_line_revision_id", table_name="paper_history_line")
    op.drop_table("paper_history_line")
    op.drop_index("ix_paper_signature_revision_id", table_name="paper_signature")
    op.drop_table("paper_signature")
