"""Indexes for what waits on the home page at scale:

- the distribution lines naming a person, a department or a role, the people of a
  department, and the documents a person owns (who must read or review what);
- the documents in effect by the days their periodic review or currency check is
  reckoned from (which fall due);
- the two indexes of issues by document and by state widened with the drafter and the
  days the issue took effect, so whether an issue is still to read, or late, is judged
  from the index without reading the issue's row (its body makes the row large); and
  the index of a department's documents widened with their ids, for the same reason.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW: dict[str, tuple[str, list[str]]] = {
    "ix_distribution_entry_department_id": ("distribution_entry", ["department_id"]),
    "ix_distribution_entry_role": ("distribution_entry", ["role"]),
    "ix_distribution_entry_user_id": ("distribution_entry", ["user_id"]),
    "ix_app_user_department_id": ("app_user", ["department_id"]),
    "ix_document_owner_id": ("document", ["owner_id"]),
    "ix_document_review_due": (
        "document",
        ["in_effect", "review_interval_months", "last_reviewed_on", "effective_on"],
    ),
    "ix_document_currency_due": (
        "document",
        ["in_effect", "review_interval_months", "checked_current_on", "effective_on"],
    ),
}
# Each: its table, its columns before, and after (the id last, for PostgreSQL's
# index-only scans; SQLite keeps it in every index anyway).
_WIDENED: dict[str, tuple[str, list[str], list[str]]] = {
    "ix_revision_document_status": (
        "revision",
        ["document_id", "status"],
        ["document_id", "status", "drafted_by_id", "planned_effective_date", "effective_at", "id"],
    ),
    "ix_revision_status_updated": (
        "revision",
        ["status", "updated_at", "document_id"],
        [
            "status",
            "updated_at",
            "document_id",
            "planned_effective_date",
            "effective_at",
            "drafted_by_id",
            "id",
        ],
    ),
    "ix_document_department_id": ("document", ["department_id"], ["department_id", "id"]),
}


def upgrade() -> None:
    for name, (table, columns) in _NEW.items():
        op.create_index(name, table, columns)
    for name, (table, _before, after) in _WIDENED.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, after)


def downgrade() -> None:
    for name, (table, before, _after) in _WIDENED.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before)
    for name, (table, _columns) in reversed(_NEW.items()):
        op.drop_index(name, table_name=table)
