"""``qms backup``: one file holding a consistent snapshot of the live database, every
stored file included, and the manifest of what it holds."""

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import Session

from qms import __version__
from qms.clock import utcnow
from qms.db import make_engine, read_session
from qms.errors import Text, ValidationError
from qms.services.backup import archive, postgres, sqlite
from qms.services.backup.contents import Contents, contents_of, problems_of
from qms.services.backup.manifest import SNAPSHOT_NAMES, Manifest, backend_of


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: Manifest
    # What qms trail verify and qms pdf verify find in the database as it was backed
    # up: a backup of a damaged database is written all the same (it may be the best
    # copy there is), and its restore will refuse it.
    problems: list[Text]


@dataclass(frozen=True)
class _Snapshot:
    contents: Contents
    problems: list[Text]
    backend_version: str


def create_backup(*, url: str, path: Path, force: bool = False) -> BackupResult:
    """Back up the database at ``url`` into the new file ``path`` (replaced with
    ``force``). The snapshot is taken while the application keeps running."""
    backend = backend_of(url)
    if not force and path.exists():
        raise archive.already_exists(path)
    try:
        # Beside the backup, not in a small /tmp: the snapshot is as large as the database.
        work = tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise archive.cannot_write(path, exc) from None
    with work:
        snapshot = Path(work.name) / SNAPSHOT_NAMES[backend]
        started = utcnow()  # everything committed before this instant is in the backup
        taken = _sqlite(url, snapshot) if backend == "sqlite" else _postgres(url, snapshot)
        manifest = Manifest(
            qms_version=__version__,
            backend=backend,
            backend_version=taken.backend_version,
            created_at=started,
            snapshot_sha256=archive.file_sha256(snapshot),
            snapshot_size=snapshot.stat().st_size,
            contents=taken.contents,
        )
        archive.write(path, manifest=manifest, snapshot=snapshot, force=force)
    return BackupResult(path, path.stat().st_size, manifest, taken.problems)


def _nothing_to_back_up() -> ValidationError:
    return ValidationError("the database has no tables yet: there is nothing to back up")


def _sqlite(url: str, snapshot: Path) -> _Snapshot:
    """Copy first, then read what the copy holds: the manifest describes the snapshot
    itself, whatever was committed to the live database meanwhile."""
    sqlite.copy_online(sqlite.database_path(url), snapshot)
    engine = sqlite.read_only_engine(snapshot)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                raise _nothing_to_back_up()
        with read_session(engine) as session:
            return _Snapshot(contents_of(session), problems_of(session), sqlite3.sqlite_version)
    finally:
        engine.dispose()


def _postgres(url: str, snapshot: Path) -> _Snapshot:
    """pg_dump reads the snapshot that one repeatable-read transaction exports, and the
    same transaction reads the manifest's contents: both see the same committed state."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                raise _nothing_to_back_up()
            major, shown = postgres.server_version(connection)
        pg_dump = postgres.find_tool("pg_dump", server_major=major)
        postgres.require_not_older(pg_dump, server_major=major, server=shown)
        with engine.connect() as connection:
            reading = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            exported = str(reading.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            postgres.dump(url, tool=pg_dump, snapshot=exported, into=snapshot)
            with Session(bind=reading) as session:
                taken = _Snapshot(contents_of(session), problems_of(session), shown)
            reading.rollback()
        return taken
    finally:
        engine.dispose()
