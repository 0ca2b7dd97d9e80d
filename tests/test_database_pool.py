"""Pooled PostgreSQL connections are pinged only after sitting idle: one in steady use
goes straight to work, one that the server closed while it was idle is replaced."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms import db
from qms.db import make_engine
from tests.pgserver import PostgresServer


@pytest.fixture
def pg_engine(pg_server: PostgresServer) -> Iterator[Engine]:
    name = "qms_pool_test"
    url = pg_server.create_database(name)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        pg_server.drop_database(name)


def test_only_idle_connections_are_pinged(
    pg_server: PostgresServer, pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[Any] = []
    ping = pg_engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(pg_engine.dialect, "do_ping", counted)
    for _ in range(3):
        with pg_engine.connect() as connection:
            backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert pings == []  # one connection, in steady use

    pg_server.sql(f"SELECT pg_terminate_backend({int(backend)})")  # ended while idle
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with pg_engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
    assert len(pings) >= 1
