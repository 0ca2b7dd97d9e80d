"""What the backup tests share: an empty database to restore into, commands run against a
chosen database, and the state of a restore target before and after."""

from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import make_url

from qms.cli import cli
from qms.db import make_engine
from tests.helpers import snapshot


def run(url: str, *args: str, env: dict[str, str | None] | None = None) -> Result:
    """``qms ARGS`` with ``QMS_DATABASE_URL=url``."""
    return CliRunner().invoke(
        cli,
        list(args),
        env={"QMS_DATABASE_URL": url, "QMS_USER": None, **(env or {})},
        catch_exceptions=False,
    )


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
