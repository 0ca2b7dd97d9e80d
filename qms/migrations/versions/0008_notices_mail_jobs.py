"""Notices, the mail outbox and the scheduled jobs' claims; users get an email address and
their choice of how notices reach them by mail (immediately by default).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email", sa.String(length=254), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "mail_choice", sa.String(length=12), nullable=False, server_default="immediate"
            )
        )
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("once_key", sa.String(length=200), nullable=True),
        sa.Column("awaiting_digest", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notice_user_unread", "notice", ["user_id", "read_at"], unique=False)
    op.create_index("uq_notice_once", "notice", ["user_id", "once_key"], unique=True)
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("digest_day", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given_up", sa.Boolean(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_message_user_id", "mail_message", ["user_id"], unique=False)
    op.create_index("ix_mail_message_next_try_at", "mail_message", ["next_try_at"], unique=False)
    op.create_table(
        "mail_digest_item",
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mail_id"], ["mail_message.id"]),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.PrimaryKeyConstraint("mail_id", "notice_id"),
    )
    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job", "period", name="uq_job_run_period"),
    )


def downgrade() -> None:
    op.drop_table("job_run")
    op.drop_table("mail_digest_item")
    op.drop_index("ix_mail_message_next_try_at", table_name="mail_message")
    op.drop_index("ix_mail_message_user_id", table_name="mail_message")
    op.drop_table("mail_message")
    op.drop_index("uq_notice_once", table_name="notice")
    op.drop_index("ix_notice_user_unread", table_name="notice")
    op.drop_table("notice")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("mail_choice")
        batch_op.drop_column("email")
