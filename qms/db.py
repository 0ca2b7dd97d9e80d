"""Engine and sessions for SQLite (default) and PostgreSQL, and schema upgrades.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Transactions that will
write begin with ``BEGIN IMMEDIATE`` (see :func:`write_session`), so two writers queue
for the lock instead of failing half-way when one upgrades a read lock. Text holding the
NUL character or an integer beyond 32 bits is refused on both, as invalid input (see
:func:`_refuse_unstorable`).
"""

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from qms.errors import DatabaseProblem, Text, ValidationError

SQLITE_BUSY_TIMEOUT_MS = 30_000
# The register's full-text index is no model: an FTS5 table (with the shadow tables FTS5
# keeps its index in) on SQLite, a tsvector table on PostgreSQL (migration 0011).
SEARCH_INDEX = "document_search"
UNMODELLED_TABLES = frozenset(
    {
        SEARCH_INDEX,
        *(f"{SEARCH_INDEX}_{part}" for part in ("data", "idx", "content", "docsize", "config")),
    }
)


def modelled(_object: object, name: str | None, type_: str, *_: object) -> bool:
    """For schema comparisons: whether ``name`` is described by the models."""
    return not (type_ == "table" and name in UNMODELLED_TABLES)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings this application relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _configure_sqlite(engine)
    else:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        engine = create_engine(url, **kwargs)
        _ping_when_idle(engine)
    event.listen(engine, "before_cursor_execute", _refuse_unstorable)
    return engine


# A pooled PostgreSQL connection that sat unused this long is pinged before it is handed
# out (the server may have restarted, or a proxy closed it meanwhile). One in steady use
# is not: pinging at every checkout would add a round trip to every request. Should a
# connection still fail in use, SQLAlchemy invalidates the pool and the next requests get
# fresh connections.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN = "qms_checked_in"


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_CHECKED_IN)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and checks out another (a fresh one).
            raise DisconnectionError("the pooled connection no longer answers") from exc


# Every integer column is a 32-bit INTEGER on PostgreSQL (SQLite takes 64 bits).
INTEGER_RANGE = range(-(2**31), 2**31)


def _refuse_unstorable(
    _connection: Connection,
    _cursor: Any,
    _statement: str,
    parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    """Refuse, as invalid input and on both databases alike, a value PostgreSQL cannot
    hold: text with the NUL character (SQLite would store it in a title or a name) or an
    integer beyond its INTEGER. Checked before any statement runs, whatever it is for (a
    lookup, a filter or a change), so such input is one clear refusal, never a 5xx."""
    for value in _bound_values(parameters):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError("text cannot contain the NUL character (U+0000)")
        if isinstance(value, int) and value not in INTEGER_RANGE:
            raise ValidationError("the number {value} is out of range", value=value)


def _bound_values(parameters: Any) -> Iterator[Any]:
    """Every value bound to a statement: one row or many, by name or by position."""
    for item in parameters if isinstance(parameters, list | tuple) else (parameters,):
        if isinstance(item, Mapping):
            yield from item.values()
        elif isinstance(item, list | tuple):
            yield from item
        elif item is not None:
            yield item


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
        if mode is not None:  # None: each statement is its own transaction
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
    """A plain connection for a few independent reads: no ORM objects and no transaction
    around them (no BEGIN and ROLLBACK round trips; each statement reads a consistent
    state of its own). For the hottest read paths only; everything else uses
    :func:`read_session`."""
    with engine.connect() as connection:
        if is_sqlite(engine):
            connection = connection.execution_options(sqlite_begin=None)
        else:
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


@contextmanager
def all_or_nothing(engine: Engine) -> Iterator[Session]:
    """A write session for a set-up made of many use cases (the sample QMS): each
    service's commit ends only a savepoint, and what they committed is committed for
    good when the block ends, or nothing of it if the block fails."""
    bound = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with (
        bound.connect() as connection,
        connection.begin(),
        Session(
            connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ) as session,
    ):
        yield session


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
    """Create or upgrade the schema to the newest migration. After an upgrade of a
    database in use, its planner statistics are taken afresh: a migration's new or rebuilt
    indexes have none, and a planner that knows some indexes and not others chooses the
    unknown ones as if they were the most selective (a register page at 100,000
    documents went from 20 to 60 ms that way)."""
    from alembic import command

    before = current_revision(engine) if has_schema(engine) else None
    if before is not None and before not in known_revisions():
        raise NewerSchema(before)
    command.upgrade(alembic_config(engine), "head")
    if before is not None and current_revision(engine) != before:
        refresh_statistics(engine)


def refresh_statistics(engine: Engine) -> None:
    """``ANALYZE`` the whole database (both databases know the statement, and run it in
    a transaction)."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


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


class NewerSchema(DatabaseProblem):
    """The database carries a schema this version does not know: a newer qms made it."""

    def __init__(self, found: str) -> None:
        super().__init__(
            Text(
                "the database is from a newer version of qms (schema {found}; this version "
                "knows up to {head}): use that version, or restore a backup made by this one",
                found=found,
                head=head_revision(),
            )
        )


@cache
def known_revisions() -> frozenset[str]:
    """Every migration this version ships (read once: they do not change while it runs)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_migrations_config())
    return frozenset(revision.revision for revision in script.walk_revisions())


def head_revision() -> str:
    """The newest migration this version ships: the schema ``qms init`` upgrades to."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_migrations_config()).get_current_head()
    assert head is not None  # the package ships its migrations
    return head
