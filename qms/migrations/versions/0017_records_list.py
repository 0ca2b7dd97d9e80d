"""The list of records (7.5.3): kinds of record with their retention, kept batches and
their disposal.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("form_code", sa.String(length=40), nullable=False),
        sa.Column("process", sa.String(length=300), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("medium", sa.String(length=12), nullable=False),
        sa.Column("retention_years", sa.Integer(), nullable=True),
        sa.Column("permanent", sa.Boolean(), nullable=False),
        sa.Column("retention_text", sa.String(length=200), nullable=False),
        sa.Column("disposal", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_record_type_document_id"), "record_type", ["document_id"])
    op.create_index(op.f("ix_record_type_form_code"), "record_type", ["form_code"])
    op.create_index(op.f("ix_record_type_department_id"), "record_type", ["department_id"])
    op.create_index(op.f("ix_record_type_retired_at"), "record_type", ["retired_at"])
    op.create_table(
        "record_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("kept_by_id", sa.Integer(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disposed_on", sa.Date(), nullable=True),
        sa.Column("disposal_method", sa.String(length=300), nullable=False),
        sa.Column("disposal_reference", sa.String(length=200), nullable=False),
        sa.Column("disposed_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["record_type_id"], ["record_type.id"]),
        sa.ForeignKeyConstraint(["kept_by_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["disposed_by_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_record_batch_record_type_id"), "record_batch", ["record_type_id"])
    op.create_index(op.f("ix_record_batch_disposed_on"), "record_batch", ["disposed_on"])


def downgrade() -> None:
    op.drop_table("record_batch")
    op.drop_table("record_type")
