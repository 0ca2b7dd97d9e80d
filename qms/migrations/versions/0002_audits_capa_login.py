"""Internal audits (programme, audits, checklists, findings, report signatures),
corrective actions, and login attempts for web sign-in throttling.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempt_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempt_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempt_username"), ["username"], unique=False)

    op.create_table(
        "audit_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year"),
    )
    op.create_table(
        "programme_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("processes", sa.Text(), nullable=False),
        sa.Column("clauses", sa.Text(), nullable=False),
        sa.Column("importance", sa.String(length=10), nullable=False),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("months", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["audit_programme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "department_id", name="uq_programme_entry_department"),
    )
    with op.batch_alter_table("programme_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_entry_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("audit_type", sa.String(length=20), nullable=False),
        sa.Column("follows_audit_id", sa.Integer(), nullable=True),
        sa.Column("programme_entry_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("lead_auditor_id", sa.Integer(), nullable=False),
        sa.Column("auditee_rep_id", sa.Integer(), nullable=True),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("distribution", sa.Text(), nullable=False),
        sa.Column("grades", sa.Text(), nullable=False),
        sa.Column("checklist_source", sa.String(length=120), nullable=False),
        sa.Column("report_sha256", sa.String(length=64), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["auditee_rep_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["follows_audit_id"],
            ["audit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["lead_auditor_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["programme_entry_id"],
            ["programme_entry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_sha256"],
            ["blob.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_lead_auditor_id"), ["lead_auditor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_year"), ["year"], unique=False)

    op.create_table(
        "audit_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("clause", sa.String(length=20), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_criterion_audit_id"), ["audit_id"], unique=False)

    op.create_table(
        "audit_department",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id", "department_id"),
    )
    op.create_table(
        "audit_member",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id", "user_id"),
    )
    op.create_table(
        "audit_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("meaning", sa.String(length=20), nullable=False),
        sa.Column("printed_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_signature_audit_id"), ["audit_id"], unique=False)

    op.create_table(
        "checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("clause", sa.String(length=20), nullable=False),
        sa.Column("clause_2008", sa.String(length=40), nullable=False),
        sa.Column("question_key", sa.String(length=60), nullable=False),
        sa.Column("question_vi", sa.Text(), nullable=False),
        sa.Column("question_en", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("audit_id", "number", name="uq_checklist_item_number"),
    )
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_item_audit_id"), ["audit_id"], unique=False)

    op.create_table(
        "checklist_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blob.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["checklist_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checklist_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_attachment_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("clause", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["checklist_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("audit_id", "number", name="uq_finding_number"),
        sa.UniqueConstraint("item_id"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_audit_id"), ["audit_id"], unique=False)

    op.create_table(
        "corrective_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("clause", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("containment", sa.Text(), nullable=False),
        sa.Column("contained_by_id", sa.Integer(), nullable=True),
        sa.Column("contained_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cause_category", sa.String(length=24), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("similar_exist", sa.String(length=10), nullable=False),
        sa.Column("similar_answer", sa.Text(), nullable=False),
        sa.Column("analysed_by_id", sa.Integer(), nullable=True),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verification_due", sa.Date(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("record_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysed_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contained_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
        ),
        sa.ForeignKeyConstraint(
            ["record_sha256"],
            ["blob.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("finding_id"),
        sa.UniqueConstraint("ref"),
    )
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_corrective_action_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_corrective_action_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_corrective_action_year"), ["year"], unique=False)

    op.create_table(
        "capa_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capa_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["capa_id"],
            ["corrective_action.id"],
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capa_id", "number", name="uq_capa_action_number"),
        sa.UniqueConstraint("revision_id"),
    )
    with op.batch_alter_table("capa_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capa_action_capa_id"), ["capa_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_capa_action_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_capa_action_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "capa_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capa_id", sa.Integer(), nullable=False),
        sa.Column("verifier_id", sa.Integer(), nullable=False),
        sa.Column("effective", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("printed_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["capa_id"],
            ["corrective_action.id"],
        ),
        sa.ForeignKeyConstraint(
            ["verifier_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("capa_verification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capa_verification_capa_id"), ["capa_id"], unique=False)

    op.create_table(
        "capa_why",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capa_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["capa_id"],
            ["corrective_action.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capa_id", "position", name="uq_capa_why_position"),
    )
    with op.batch_alter_table("capa_why", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capa_why_capa_id"), ["capa_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("capa_why", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capa_why_capa_id"))

    op.drop_table("capa_why")
    with op.batch_alter_table("capa_verification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capa_verification_capa_id"))

    op.drop_table("capa_verification")
    with op.batch_alter_table("capa_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capa_action_owner_id"))
        batch_op.drop_index(batch_op.f("ix_capa_action_due_date"))
        batch_op.drop_index(batch_op.f("ix_capa_action_capa_id"))

    op.drop_table("capa_action")
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrective_action_year"))
        batch_op.drop_index(batch_op.f("ix_corrective_action_status"))
        batch_op.drop_index(batch_op.f("ix_corrective_action_department_id"))

    op.drop_table("corrective_action")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_audit_id"))

    op.drop_table("finding")
    with op.batch_alter_table("checklist_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_attachment_item_id"))

    op.drop_table("checklist_attachment")
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_item_audit_id"))

    op.drop_table("checklist_item")
    with op.batch_alter_table("audit_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_signature_audit_id"))

    op.drop_table("audit_signature")
    op.drop_table("audit_member")
    op.drop_table("audit_department")
    with op.batch_alter_table("audit_criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_criterion_audit_id"))

    op.drop_table("audit_criterion")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_year"))
        batch_op.drop_index(batch_op.f("ix_audit_status"))
        batch_op.drop_index(batch_op.f("ix_audit_lead_auditor_id"))

    op.drop_table("audit")
    with op.batch_alter_table("programme_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_entry_programme_id"))

    op.drop_table("programme_entry")
    op.drop_table("audit_programme")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempt_username"))
        batch_op.drop_index(batch_op.f("ix_login_attempt_client"))
        batch_op.drop_index(batch_op.f("ix_login_attempt_at"))

    op.drop_table("login_attempt")
