"""The shipped migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import qms.models  # noqa: F401
from qms.db import current_revision, make_engine, modelled, upgrade


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": modelled}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_partial_unique_indexes_exist(engine: Engine) -> None:
    indexes = {i["name"]: i for i in inspect(engine).get_indexes("revision")}
    assert indexes["uq_revision_one_effective"]["unique"]
    assert indexes["uq_revision_one_in_progress"]["unique"]


def test_upgrade_is_idempotent(engine: Engine) -> None:
    head = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == head is not None


def test_init_creates_a_new_sqlite_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine)
    assert "trail_event" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
