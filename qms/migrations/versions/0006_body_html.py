"""The sanitised HTML of document bodies, stored per body (SHA-256 of the Markdown) and
converter version, so that showing an issue never converts its body. Filled here for the
issues people read (effective and in progress); any other issue is converted when shown.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qms.clock import utcnow
from qms.errors import QMSError
from qms.render.body import checked_body
from qms.render.markdown import CONVERTER_VERSION

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SHOWN = ("effective", "draft", "in_review", "approved")


def upgrade() -> None:
    op.create_table(
        "body_html",
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("converter", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("image_refs", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("body_sha256", "converter"),
    )
    _fill_shown()


_BATCH = 200
_TABLE = sa.table(
    "body_html",
    sa.column("body_sha256"),
    sa.column("converter"),
    sa.column("html"),
    sa.column("image_refs"),
    sa.column("created_at"),
)


def _fill_shown() -> None:
    """One row per distinct body of an effective or in-progress issue; a body over the
    caps gets none (showing it is refused, as before, and so is submitting it)."""
    connection = op.get_bind()
    revisions = sa.table("revision", sa.column("id"), sa.column("body"), sa.column("status"))
    ids = (
        connection.execute(
            sa.select(revisions.c.id).where(revisions.c.status.in_(_SHOWN)).order_by(revisions.c.id)
        )
        .scalars()
        .all()
    )
    seen: set[str] = set()
    now = utcnow()
    for start in range(0, len(ids), _BATCH):
        bodies = connection.execute(
            sa.select(revisions.c.body).where(revisions.c.id.in_(ids[start : start + _BATCH]))
        ).scalars()
        rows = []
        for body in bodies:
            key = hashlib.sha256(body.encode("utf-8")).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            try:
                safe = checked_body(body)
            except QMSError:
                continue
            rows.append(
                {
                    "body_sha256": key,
                    "converter": CONVERTER_VERSION,
                    "html": safe.html,
                    "image_refs": " ".join(sorted(safe.image_refs)),
                    "created_at": now,
                }
            )
        if rows:
            op.bulk_insert(_TABLE, rows)


def downgrade() -> None:
    op.drop_table("body_html")
