"""Stored manuals name the manual they are (a hash of its language, department, type and
title), so storing a manual's new compilation drops that manual's earlier ones and the
cover and contents pages only they used: a manual is stored once, not once per change.

The compilations stored before cannot be told apart by manual: being a cache, they are
dropped here with the bytes nothing else refers to, and the next download compiles again.

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

# Every column that refers to a blob at this revision, besides compilation's own.
_BLOB_REFERENCES = (
    ("audit", "report_sha256"),
    ("checklist_attachment", "blob_sha256"),
    ("corrective_action_request", "record_sha256"),
    ("revision", "pdf_sha256"),
    ("objective_result", "evidence_sha256"),
    ("management_review", "minutes_sha256"),
)
_CHUNK = 500


def upgrade() -> None:
    bind = op.get_bind()
    compilation = sa.table("compilation", sa.column("pdf_sha256"))
    blob = sa.table("blob", sa.column("sha256"))
    stored = sorted(bind.execute(sa.select(compilation.c.pdf_sha256).distinct()).scalars())
    bind.execute(sa.delete(compilation))
    still_used = [
        sa.exists().where(sa.table(table, sa.column(column)).c[column] == blob.c.sha256)
        for table, column in _BLOB_REFERENCES
    ]
    for start in range(0, len(stored), _CHUNK):
        keys = stored[start : start + _CHUNK]
        bind.execute(sa.delete(blob).where(blob.c.sha256.in_(keys), ~sa.or_(*still_used)))
    with op.batch_alter_table("compilation") as batch:
        batch.add_column(sa.Column("manual", sa.String(length=64), nullable=False))
        batch.create_index("ix_compilation_manual", ["manual"])


def downgrade() -> None:
    with op.batch_alter_table("compilation") as batch:
        batch.drop_index("ix_compilation_manual")
        batch.drop_column("manual")
