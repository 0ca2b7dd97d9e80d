"""How many lines of an issue's records table could not be read when it took effect, so
that the records page need not read every effective procedure again on each visit.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null for the issues already effective: the page reads their tables as before.
    with op.batch_alter_table("revision") as batch:
        batch.add_column(sa.Column("records_problems", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revision") as batch:
        batch.drop_column("records_problems")
