"""Names that say one thing each: the audit trail's table is ``trail_event`` (not
``audit_event``, beside internal audits), and a nonconformity record is the
``corrective_action_request`` (the CAR; its planned actions stay ``capa_action``).
Renames only: every row, hash and foreign key is kept, and the trail's append-only
guards move with the table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (old table, new table, {old index: (new index, columns)})
_TABLES = [
    (
        "audit_event",
        "trail_event",
        {
            "ix_audit_event_action": ("ix_trail_event_action", "action"),
            "ix_audit_event_entity": ("ix_trail_event_entity", "entity, entity_id"),
        },
    ),
    (
        "corrective_action",
        "corrective_action_request",
        {
            "ix_corrective_action_department_id": (
                "ix_corrective_action_request_department_id",
                "department_id",
            ),
            "ix_corrective_action_status": ("ix_corrective_action_request_status", "status"),
            "ix_corrective_action_year": ("ix_corrective_action_request_year", "year"),
        },
    ),
]


def _sqlite_guards(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
           BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
    ]


def _postgres_guards(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION '{table} is append-only'; END $$""",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
           FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()""",
    ]


def _drop_guards(dialect: str, table: str) -> None:
    if dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def _rename(dialect: str, old: str, new: str, indexes: dict[str, tuple[str, str]]) -> None:
    op.rename_table(old, new)
    for old_index, (new_index, columns) in indexes.items():
        if dialect == "sqlite":  # SQLite cannot rename an index: the same one, anew
            op.execute(f"DROP INDEX {old_index}")
            op.execute(f"CREATE INDEX {new_index} ON {new} ({columns})")
        else:
            op.execute(f"ALTER INDEX {old_index} RENAME TO {new_index}")
    if dialect == "postgresql":
        _rename_postgres_objects(old, new)


def _rename_postgres_objects(old: str, new: str) -> None:
    """Constraints (primary, unique, foreign keys) and the id sequence named after the
    old table take the new name, so the schema reads as if built new."""
    op.execute(  # the names are this module's constants, never input
        f"""DO $$
        DECLARE c record;
        BEGIN
          FOR c IN SELECT conname FROM pg_constraint
                   WHERE conrelid = '{new}'::regclass AND conname LIKE '{old}\\_%'
          LOOP
            EXECUTE format('ALTER TABLE {new} RENAME CONSTRAINT %I TO %I',
                           c.conname, '{new}' || substr(c.conname, {len(old) + 1}));
          END LOOP;
          IF to_regclass('{old}_id_seq') IS NOT NULL THEN
            ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq;
          END IF;
        END $$"""  # noqa: S608
    )


def _apply(renames: list[tuple[str, str, dict[str, tuple[str, str]]]]) -> None:
    """Rename each table; the first is the trail, whose guards are dropped and rebuilt."""
    dialect = op.get_bind().dialect.name
    old_trail, new_trail = renames[0][0], renames[0][1]
    _drop_guards(dialect, old_trail)
    for old, new, indexes in renames:
        _rename(dialect, old, new, indexes)
    guards = _sqlite_guards(new_trail) if dialect == "sqlite" else _postgres_guards(new_trail)
    for statement in guards:
        op.execute(statement)


def upgrade() -> None:
    _apply(_TABLES)


def downgrade() -> None:
    back = [
        (new, old, {new_ix: (old_ix, cols) for old_ix, (new_ix, cols) in indexes.items()})
        for old, new, indexes in _TABLES
    ]
    _apply(back)
