"""Quality objectives and their results; one-stop-desk dossier statistics, citizen
satisfaction counts, complaints and feedback, and the files they were imported from.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "sha256", name="uq_desk_import_file"),
    )
    op.create_table(
        "quality_objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=24), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    op.create_index(
        op.f("ix_quality_objective_department_id"),
        "quality_objective",
        ["department_id"],
        unique=False,
    )
    op.create_index(op.f("ix_quality_objective_year"), "quality_objective", ["year"], unique=False)
    op.create_table(
        "satisfaction_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=60), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["desk_import.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "field", "question", "level", name="uq_satisfaction_count"),
    )
    op.create_index(
        op.f("ix_satisfaction_count_import_id"), "satisfaction_count", ["import_id"], unique=False
    )
    op.create_index(
        op.f("ix_satisfaction_count_period"), "satisfaction_count", ["period"], unique=False
    )
    op.create_table(
        "objective_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("indicator", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("scope_kind", sa.String(length=12), nullable=False),
        sa.Column("scope_value", sa.String(length=200), nullable=False),
        sa.Column("plan_what", sa.Text(), nullable=False),
        sa.Column("plan_resources", sa.Text(), nullable=False),
        sa.Column("plan_who", sa.String(length=300), nullable=False),
        sa.Column("plan_when", sa.String(length=200), nullable=False),
        sa.Column("evaluation", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approver_name", sa.String(length=200), nullable=False),
        sa.Column("approver_position", sa.String(length=200), nullable=False),
        sa.Column("approved_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["quality_objective.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("objective_id", "version", name="uq_objective_version_number"),
    )
    op.create_index(
        op.f("ix_objective_version_objective_id"),
        "objective_version",
        ["objective_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_objective_version_owner_id"), "objective_version", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_objective_version_status"), "objective_version", ["status"], unique=False
    )
    op.create_table(
        "citizen_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=60), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capa_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["capa_id"],
            ["corrective_action_request.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capa_id"),
        sa.UniqueConstraint("ref"),
    )
    op.create_index(
        op.f("ix_citizen_feedback_department_id"),
        "citizen_feedback",
        ["department_id"],
        unique=False,
    )
    op.create_table(
        "dossier_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("procedure_code", sa.String(length=60), nullable=False),
        sa.Column("procedure", sa.String(length=500), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("early", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("pending_in_time", sa.Integer(), nullable=False),
        sa.Column("pending_overdue", sa.Integer(), nullable=False),
        sa.Column("capa_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["capa_id"],
            ["corrective_action_request.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["desk_import.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capa_id"),
        sa.UniqueConstraint("period", "field", "procedure_code", name="uq_dossier_stat_row"),
    )
    op.create_index(
        op.f("ix_dossier_stat_department_id"), "dossier_stat", ["department_id"], unique=False
    )
    op.create_index(op.f("ix_dossier_stat_import_id"), "dossier_stat", ["import_id"], unique=False)
    op.create_index(op.f("ix_dossier_stat_period"), "dossier_stat", ["period"], unique=False)
    op.create_table(
        "objective_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=True),
        sa.Column("evidence_name", sa.String(length=200), nullable=False),
        sa.Column("capa_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["capa_id"],
            ["corrective_action_request.id"],
        ),
        sa.ForeignKeyConstraint(
            ["evidence_sha256"],
            ["blob.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["quality_objective.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["objective_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capa_id"),
        sa.UniqueConstraint("objective_id", "period", name="uq_objective_result_period"),
    )
    op.create_index(
        op.f("ix_objective_result_objective_id"), "objective_result", ["objective_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_objective_result_objective_id"), table_name="objective_result")
    op.drop_table("objective_result")
    op.drop_index(op.f("ix_dossier_stat_period"), table_name="dossier_stat")
    op.drop_index(op.f("ix_dossier_stat_import_id"), table_name="dossier_stat")
    op.drop_index(op.f("ix_dossier_stat_department_id"), table_name="dossier_stat")
    op.drop_table("dossier_stat")
    op.drop_index(op.f("ix_citizen_feedback_department_id"), table_name="citizen_feedback")
    op.drop_table("citizen_feedback")
    op.drop_index(op.f("ix_objective_version_status"), table_name="objective_version")
    op.drop_index(op.f("ix_objective_version_owner_id"), table_name="objective_version")
    op.drop_index(op.f("ix_objective_version_objective_id"), table_name="objective_version")
    op.drop_table("objective_version")
    op.drop_index(op.f("ix_satisfaction_count_period"), table_name="satisfaction_count")
    op.drop_index(op.f("ix_satisfaction_count_import_id"), table_name="satisfaction_count")
    op.drop_table("satisfaction_count")
    op.drop_index(op.f("ix_quality_objective_year"), table_name="quality_objective")
    op.drop_index(op.f("ix_quality_objective_department_id"), table_name="quality_objective")
    op.drop_table("quality_objective")
    op.drop_table("desk_import")
