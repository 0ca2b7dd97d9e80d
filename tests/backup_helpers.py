"""What the backup tests share: an empty database to restore into, commands run against a
chosen database, and the state of a restore target before and after."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import make_url

from qms.cli import cli
from qms.db import make_engine
from tests.helpers import snapshot
from tests.pgserver import PostgresServer


def run(url: str, *args: str, env: dict[str, str | None] | None = None) -> Result:
    """``qms ARGS`` with ``QMS_DATABASE_URL=url``."""
    return CliRunner().invoke(
        cli,
        list(args),
        env={"QMS_DATABASE_URL": url, "QMS_USER": None, **(env or {})},
        catch_exceptions=False,
    )


def empty_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that holds nothing: a file not yet created in a folder of its own, or
    a newly created PostgreSQL database."""
    if backend == "sqlite":
        folder = tmp_path / "restored"
        folder.mkdir()
        yield f"sqlite:///{folder / 'qms.db'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"r_{uuid.uuid4().hex[:12]}"
    try:
        yield server.create_database(name)
    finally:
        server.drop_database(name)


def state(url: str) -> Any:
    """What a restore target holds: every row of a PostgreSQL database; for SQLite the
    files of its folder (a refused restore leaves no file behind) and, if the database
    file exists, its rows."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(str(parsed.database))
        files = sorted(entry.name for entry in path.parent.iterdir())
        return files, (rows(url) if path.exists() else None)
    return rows(url)


def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    try:
        return snapshot(engine)
    finally:
        engine.dispose()
