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


def test_the_upgrade_to_named_manuals_drops_the_old_ones_and_only_their_own_bytes(
    engine: Engine,
) -> None:
    """0025: compilations stored before could not be told apart by manual; they are
    dropped with the bytes nothing else refers to, and a controlled copy stays."""
    from alembic import command
    from sqlalchemy import text

    from qms.db import alembic_config
    from tests.helpers import effective_document

    effective_document(engine, "QT-01")
    command.downgrade(alembic_config(engine), "0024_register")
    with engine.begin() as connection:
        copy = connection.execute(text("SELECT pdf_sha256 FROM revision")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO blob (sha256, media_type, size, data, created_at) "
                "VALUES (:key, 'application/pdf', 3, :data, CURRENT_TIMESTAMP)"
            ),
            {"key": "b" * 64, "data": b"pdf"},
        )
        connection.execute(
            text(
                "INSERT INTO compilation (key, pdf_sha256, created_at) VALUES "
                "(:a, :copy, CURRENT_TIMESTAMP), (:b, :loose, CURRENT_TIMESTAMP)"
            ),
            {"a": "1" * 64, "b": "2" * 64, "copy": copy, "loose": "b" * 64},
        )
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM compilation")).scalar_one() == 0
        blobs = set(connection.execute(text("SELECT sha256 FROM blob")).scalars())
    assert copy in blobs
    assert "b" * 64 not in blobs
