"""Every database test runs twice: on a real SQLite file and on a real PostgreSQL server
that the session starts itself. Each test gets a fresh copy of a migrated, seeded template
(a file copy for SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL).

Every test starts at the same instant (tests/pinned_clock.py), in this process and in the
commands and servers it starts (``QMS_NOW``); the clock then runs on at its real pace. A
test marked ``real_clock`` gets the machine's clock instead."""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from qms import clock
from qms.db import make_engine, upgrade
from tests.pgserver import PostgresServer
from tests.pinned_clock import NOW
from tests.seed import seed_people

BACKENDS = ["sqlite", "postgresql"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_clock: the test reads the machine's clock")


@pytest.fixture(scope="session", autouse=True)
def pin_the_clock_for_set_up() -> Iterator[None]:
    """Shared set-up (templates, databases a module builds once) happens at ``NOW`` too."""
    saved = os.environ.get(clock.NOW_VARIABLE)
    os.environ[clock.NOW_VARIABLE] = NOW.isoformat()
    try:
        with clock.pinned(NOW):
            yield
    finally:
        if saved is None:
            del os.environ[clock.NOW_VARIABLE]
        else:
            os.environ[clock.NOW_VARIABLE] = saved


@pytest.fixture(autouse=True)
def pin_the_clock(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The clock reads ``NOW`` (tests/pinned_clock.py) when the test starts, here and in child
    processes; ``@pytest.mark.real_clock`` leaves the machine's clock."""
    if request.node.get_closest_marker("real_clock"):
        monkeypatch.delenv(clock.NOW_VARIABLE, raising=False)
        with clock.pinned(None):
            yield
        return
    monkeypatch.setenv(clock.NOW_VARIABLE, NOW.isoformat())
    with clock.pinned(NOW):
        yield


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


def _prepare(url: str, *, seeded: bool) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        if seeded:
            seed_people(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """Migrated database files: seeded with the test people (True) or empty (False)."""
    folder = tmp_path_factory.mktemp("templates")
    paths = {}
    for seeded in (True, False):
        path = folder / f"template-{'seeded' if seeded else 'blank'}.db"
        _prepare(f"sqlite:///{path}", seeded=seeded)
        engine = make_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        paths[seeded] = path
    return paths


@pytest.fixture(scope="session")
def pg_templates(pg_server: PostgresServer) -> dict[bool, str]:
    names = {True: "qms_template_seeded", False: "qms_template_blank"}
    for name in names.values():
        pg_server.create_database(name)
    for seeded, name in names.items():
        _prepare(pg_server.url_for(name), seeded=seeded)
    return names


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def _fresh_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, *, seeded: bool
) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_templates")[seeded]
        path = tmp_path / "qms.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    template_name: str = request.getfixturevalue("pg_templates")[seeded]
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        yield server.create_database(name, template=template_name)
    finally:
        server.drop_database(name)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated database holding the seed people (see tests/seed.py)."""
    yield from _fresh_database(backend, request, tmp_path, seeded=True)


@pytest.fixture
def blank_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated database with no data at all."""
    yield from _fresh_database(backend, request, tmp_path, seeded=False)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a database with no tables at all: a SQLite file not yet created, in a folder
    of its own, or a newly created PostgreSQL database."""
    if backend == "sqlite":
        folder = tmp_path / "empty"
        folder.mkdir()
        yield f"sqlite:///{folder / 'qms.db'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"e_{uuid.uuid4().hex[:12]}"
    try:
        yield server.create_database(name)
    finally:
        server.drop_database(name)


def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    yield from _engine(db_url)


@pytest.fixture
def blank_engine(blank_db_url: str) -> Iterator[Engine]:
    yield from _engine(blank_db_url)
