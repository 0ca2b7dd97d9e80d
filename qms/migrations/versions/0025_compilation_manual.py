"""Stored manuals name the manual they are (its language, department, type and title),
so storing a manual's new compilation drops that manual's earlier ones and the cover and
contents pages only they used: a manual is stored once, not once per change.

Compilations stored before this have no manual and are kept.

Revision ID: 0025_compilation
Revises: 0024_register
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_compilation"
down_revision: str | None = "0024_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("compilation") as batch:
        batch.add_column(sa.Column("manual", sa.String(length=64), nullable=True))
        batch.create_index("ix_compilation_manual", ["manual"])


def downgrade() -> None:
    with op.batch_alter_table("compilation") as batch:
        batch.drop_index("ix_compilation_manual")
        batch.drop_column("manual")
