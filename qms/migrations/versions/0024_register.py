"""The register at city scale without reading every document on each page:

- ``register_tally``: how many documents share a type, a department and where their
  issues stand, kept by triggers on ``document`` in the transaction of every change
  (whatever makes it: the services, an import, a repair in SQL), so the register's
  total and its filters' counts are summed from a few rows instead of counted from
  every document; filled here from the documents;
- the indexes of the register's orders widened with the id and where the issues stand,
  so a page deep in the register, or filtered by state, is found from the index alone
  (PostgreSQL's index-only scans; SQLite keeps the id in every index anyway).

Revision ID: 0024_register
Revises: 0024_audit
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_register"
down_revision: str | None = "0024_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = ("doc_type", "department_id", "in_effect", "in_progress", "withdrawn")
# A document's group as the tally stores it: no issue in progress is '' (a key column
# cannot be NULL).
_COUNT_NEW = """INSERT INTO register_tally
       (doc_type, department_id, in_effect, in_progress, withdrawn, documents)
       VALUES (NEW.doc_type, NEW.department_id, NEW.in_effect, COALESCE(NEW.in_progress, ''),
               NEW.withdrawn, 1)
       ON CONFLICT (doc_type, department_id, in_effect, in_progress, withdrawn)
       DO UPDATE SET documents = register_tally.documents + 1"""
_UNCOUNT_OLD = """UPDATE register_tally SET documents = documents - 1
       WHERE doc_type = OLD.doc_type AND department_id = OLD.department_id
         AND in_effect = OLD.in_effect AND in_progress = COALESCE(OLD.in_progress, '')
         AND withdrawn = OLD.withdrawn"""
_FILL = """INSERT INTO register_tally
       (doc_type, department_id, in_effect, in_progress, withdrawn, documents)
       SELECT doc_type, department_id, in_effect, COALESCE(in_progress, ''), withdrawn, COUNT(*)
       FROM document
       GROUP BY doc_type, department_id, in_effect, COALESCE(in_progress, ''), withdrawn"""
_MOVED = (
    "(OLD.doc_type, OLD.department_id, OLD.in_effect, OLD.in_progress, OLD.withdrawn)"
    " IS DISTINCT FROM "
    "(NEW.doc_type, NEW.department_id, NEW.in_effect, NEW.in_progress, NEW.withdrawn)"
)
_MOVED_SQLITE = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in _KEY)
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER register_tally_insert AFTER INSERT ON document
       BEGIN {_COUNT_NEW}; END""",
    f"""CREATE TRIGGER register_tally_delete AFTER DELETE ON document
       BEGIN {_UNCOUNT_OLD}; END""",
    f"""CREATE TRIGGER register_tally_update AFTER UPDATE OF {", ".join(_KEY)} ON document
       WHEN {_MOVED_SQLITE}
       BEGIN {_UNCOUNT_OLD}; {_COUNT_NEW}; END""",
]
# On PostgreSQL a changed tally row stays locked until its transaction ends. The trigger
# first takes the lock the audit trail's writers take (qms.services.trail.chain), which
# every change to the register takes anyway, as it writes the trail in its transaction:
# so only the holder of that lock ever changes tally rows, and they add no wait and no
# lock order of their own (no new deadlock between two changes of different groups).
# The key is written out, as a migration must not change with later code; a test checks
# that it is still chain.WRITERS_LOCK_KEY.
_TRAIL_LOCK_KEY = 0x514D5331
_POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION register_tally_keep() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock({_TRAIL_LOCK_KEY});
         IF TG_OP <> 'INSERT' THEN {_UNCOUNT_OLD}; END IF;
         IF TG_OP <> 'DELETE' THEN {_COUNT_NEW}; END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER register_tally_insert_delete AFTER INSERT OR DELETE ON document
       FOR EACH ROW EXECUTE FUNCTION register_tally_keep()""",
    f"""CREATE TRIGGER register_tally_update AFTER UPDATE OF {", ".join(_KEY)} ON document
       FOR EACH ROW WHEN ({_MOVED}) EXECUTE FUNCTION register_tally_keep()""",
]
_DROP_SQLITE = [
    "DROP TRIGGER register_tally_insert",
    "DROP TRIGGER register_tally_delete",
    "DROP TRIGGER register_tally_update",
]
_DROP_POSTGRES = [
    "DROP TRIGGER register_tally_insert_delete ON document",
    "DROP TRIGGER register_tally_update ON document",
    "DROP FUNCTION register_tally_keep()",
]

# The register's orders: the sort column (none for the title order), the title order,
# the code; then the id and where the issues stand, so the index answers alone.
_ORDERS: dict[str, list[str]] = {
    "ix_document_title_order": [],
    "ix_document_type_order": ["doc_type"],
    "ix_document_department_order": ["department_code"],
    "ix_document_status_order": ["status_rank"],
}
_ANSWERED = ["id", "in_effect", "in_progress", "withdrawn"]
_EFFECTIVE_ORDER = "ix_document_effective_order"


def _effective_order(columns: list[str]) -> None:
    op.create_index(
        _EFFECTIVE_ORDER,
        "document",
        [
            sa.text("(effective_on IS NULL)"),
            "effective_on",
            "title_sort_key",
            "code",
            *columns,
        ],
    )


def upgrade() -> None:
    op.create_table(
        "register_tally",
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("in_effect", sa.Boolean(), nullable=False),
        sa.Column("in_progress", sa.String(length=20), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_KEY),
    )
    op.execute(_FILL)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS:
        op.execute(statement)
    for name, first in _ORDERS.items():
        op.drop_index(name, table_name="document")
        op.create_index(name, "document", [*first, "title_sort_key", "code", *_ANSWERED])
    op.drop_index(_EFFECTIVE_ORDER, table_name="document")
    _effective_order(_ANSWERED)


def downgrade() -> None:
    op.drop_index(_EFFECTIVE_ORDER, table_name="document")
    _effective_order([])
    for name, first in _ORDERS.items():
        op.drop_index(name, table_name="document")
        op.create_index(name, "document", [*first, "title_sort_key", "code"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _DROP_POSTGRES if postgres else _DROP_SQLITE:
        op.execute(statement)
    op.drop_table("register_tally")
