"""An index in the corrective-action register's order (year, then reference), so that a
page of the register, however deep, walks the index and stops instead of sorting every
record.

Revision ID: 0023
Revises: 0020
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_corrective_action_request_register_order",
        "corrective_action_request",
        ["year", "ref"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_corrective_action_request_register_order", table_name="corrective_action_request"
    )
