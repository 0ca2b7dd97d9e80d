"""A test database kept as it is now, to be put back after each step a test takes: for
checking many commands against one prepared state (a file copy on SQLite,
CREATE DATABASE ... TEMPLATE on PostgreSQL)."""

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url
from sqlalchemy.engine import Engine

from tests.pgserver import PostgresServer


class SavedDatabase:
    """``SavedDatabase(request, engine)`` saves the database under ``engine``; ``restore()``
    puts it back as it was saved, under the same URL (``engine`` stays usable)."""

    def __init__(self, request: pytest.FixtureRequest, engine: Engine) -> None:
        self.engine = engine
        url = make_url(str(engine.url.render_as_string(hide_password=False)))
        self.postgres = url.get_backend_name() == "postgresql"
        engine.dispose()  # no connection may hold the database while it is copied
        if self.postgres:
            self.server: PostgresServer = request.getfixturevalue("pg_server")
            self.name = str(url.database)
            self.saved = f"s_{uuid.uuid4().hex[:12]}"
            self.server.create_database(self.saved, template=self.name)
            request.addfinalizer(lambda: self.server.drop_database(self.saved))
        else:
            self.path = Path(str(url.database))
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            self.copy = self.path.with_suffix(".saved")
            shutil.copyfile(self.path, self.copy)

    def restore(self) -> None:
        self.engine.dispose()
        if self.postgres:
            self.server.drop_database(self.name)
            self.server.create_database(self.name, template=self.saved)
            return
        for extra in ("-wal", "-shm"):
            Path(f"{self.path}{extra}").unlink(missing_ok=True)
        shutil.copyfile(self.copy, self.path)
