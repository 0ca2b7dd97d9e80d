"""Corrective actions and audits in the order of their numbers: each keeps the number its
reference ends with (``CAR-2026-1000`` is number 1000 of 2026), indexed after the year,
so that from the thousandth record of a year (the hundredth audit) the registers, the
overdue list and every list by reference keep numeric order (as text, ``CAR-2026-1000``
came before ``CAR-2026-101``).

Revision ID: 0024_audit
Revises: 0023
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_audit"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table, the length of its references' prefix (``CAR-<year>-``, ``IA-<year>-``) and
# the index of its order.
_NUMBERED = {
    "corrective_action_request": (len("CAR-2026-"), "ix_corrective_action_request_year_number"),
    "audit": (len("IA-2026-"), "ix_audit_year_number"),
}


def upgrade() -> None:
    for table, (prefix, index) in _NUMBERED.items():
        # Plain ALTER TABLE ADD COLUMN on both databases, as in 0019.
        op.add_column(
            table, sa.Column("number", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        rows = sa.table(table, sa.column("ref", sa.String), sa.column("number", sa.Integer))
        op.execute(
            rows.update().values(number=sa.cast(sa.func.substr(rows.c.ref, prefix + 1), sa.Integer))
        )
        op.create_index(index, table, ["year", "number"])
    op.drop_index(
        "ix_corrective_action_request_register_order", table_name="corrective_action_request"
    )


def downgrade() -> None:
    op.create_index(
        "ix_corrective_action_request_register_order",
        "corrective_action_request",
        ["year", "ref"],
    )
    for table, (_prefix, index) in reversed(_NUMBERED.items()):
        op.drop_index(index, table_name=table)
        op.drop_column(table, "number")
