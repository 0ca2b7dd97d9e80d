"""Comments on a passage of an issue, and replies: a review comment may name the passage
it is about (its anchor, and its words quoted) and the comment it answers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviewcomment") as batch:
        batch.add_column(sa.Column("anchor", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("passage", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reply_to_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_reviewcomment_reply_to_id", "reviewcomment", ["reply_to_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reviewcomment") as batch:
        batch.drop_constraint("fk_reviewcomment_reply_to_id", type_="foreignkey")
        batch.drop_column("reply_to_id")
        batch.drop_column("passage")
        batch.drop_column("anchor")
