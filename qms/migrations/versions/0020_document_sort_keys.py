"""What the register's sorted pages read, on the document row: the day its effective
issue took (or takes) effect, where it stands in a document's life and its department's
code, with an index per sortable column (that column, then the title order), so that a
sorted page walks an index and stops instead of joining every document to its effective
issue (or its department) and sorting them all.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The planned day at midnight, as each database stores a timestamp (SQLAlchemy's format
# on SQLite), or else the moment the issue took effect.
_EFFECTIVE_ON = {
    "sqlite": "UPDATE document SET effective_on = (SELECT CASE "
    "WHEN revision.planned_effective_date IS NOT NULL "
    "THEN revision.planned_effective_date || ' 00:00:00.000000' "
    "ELSE revision.effective_at END FROM revision "
    "WHERE revision.document_id = document.id AND revision.status = 'effective')",
    "postgresql": "UPDATE document SET effective_on = revision.effective_on FROM ("
    "SELECT document_id, COALESCE(CAST(planned_effective_date AS TIMESTAMPTZ), effective_at) "
    "AS effective_on FROM revision WHERE status = 'effective') AS revision "
    "WHERE revision.document_id = document.id",
}
# The register's statuses in the order of a document's life (see search_index.standing).
_STATUS_RANK = (
    "UPDATE document SET status_rank = CASE WHEN in_effect THEN 3 "
    "WHEN in_progress = 'draft' THEN 0 WHEN in_progress = 'in_review' THEN 1 "
    "WHEN in_progress = 'approved' THEN 2 ELSE 4 END"
)
_ORDERS: dict[str, list[str | sa.TextClause]] = {
    "ix_document_effective_order": [
        sa.text("(effective_on IS NULL)"),
        "effective_on",
        "title_sort_key",
        "code",
    ],
    "ix_document_type_order": ["doc_type", "title_sort_key", "code"],
    "ix_document_department_order": ["department_code", "title_sort_key", "code"],
    "ix_document_status_order": ["status_rank", "title_sort_key", "code"],
}


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases, as in 0019.
    op.add_column("document", sa.Column("effective_on", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "document",
        sa.Column("status_rank", sa.Integer(), nullable=False, server_default=sa.text("4")),
    )
    op.execute(_EFFECTIVE_ON[op.get_bind().dialect.name])
    op.execute(_STATUS_RANK)
    op.add_column(
        "document",
        sa.Column("department_code", sa.String(length=16), nullable=False, server_default=""),
    )
    op.execute(
        "UPDATE document SET department_code = "
        "(SELECT code FROM department WHERE department.id = document.department_id)"
    )
    for name, columns in _ORDERS.items():
        op.create_index(name, "document", columns)


def downgrade() -> None:
    for name in reversed(_ORDERS):
        op.drop_index(name, table_name="document")
    for column in ("department_code", "status_rank", "effective_on"):
        op.drop_column("document", column)
