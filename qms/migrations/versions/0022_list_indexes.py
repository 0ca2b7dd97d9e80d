"""Indexes for the lists that grow with the work: the corrective-action register's order
(year, then reference), so that a page of it, however deep, walks the index and stops
instead of sorting every record; and an audit's checklist items by clause and result, so
that the checklist's contents bar and counts read the index alone.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_corrective_action_request_register_order": ("corrective_action_request", ["year", "ref"]),
    "ix_checklist_item_contents": ("checklist_item", ["audit_id", "clause", "result"]),
}


def upgrade() -> None:
    for name, (table, columns) in _INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in reversed(_INDEXES.items()):
        op.drop_index(name, table_name=table)
