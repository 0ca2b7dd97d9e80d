"""Engine and sessions for SQLite (default) and PostgreSQL, and schema upgrades.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Transactions that will
write begin with ``BEGIN IMMEDIATE`` (see :func:`write_session`), so two writers queue
for the lock instead of failing half-way when one upgrades a read lock.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings this application relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; anything left uncommitted is rolled back."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A plain connection for a few independent reads: no ORM objects, and on PostgreSQL
    no transaction (no BEGIN and ROLLBACK round trips). For the hottest read paths only;
    everything else uses :func:`read_session`."""
    with engine.connect() as connection:
        if not is_sqlite(engine):
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for a use case that writes. Services commit; failures roll back everything."""
    bound = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with Session(bound, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


# PostgreSQL's serialization failure and deadlock: the transaction lost a race and
# may simply be run again.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})


def is_transient(error: BaseException) -> bool:
    """Whether a database error says "try this transaction again" (see above)."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) in _TRANSIENT_SQLSTATES


def _migrations_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("qms") / "migrations"))
    return config


def alembic_config(engine: Engine) -> Any:
    config = _migrations_config()
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def has_schema(engine: Engine) -> bool:
    """Whether ``qms init`` has created the schema here: a new SQLite file or an empty
    PostgreSQL database has no migration table yet."""
    from sqlalchemy import inspect

    with engine.connect() as connection:
        return inspect(connection).has_table("alembic_version")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest migration this version ships: the schema ``qms init`` upgrades to."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_migrations_config()).get_current_head()
    assert head is not None  # the package ships its migrations
    return head
