"""SQLite: the online backup API for the snapshot, a rename for the restore.

Copying a live database file is not a backup: in WAL mode the newest commits live in the
``-wal`` file until a checkpoint moves them into the database file, so a copy of the
database file alone silently lacks them (and its shorter trail still verifies). The
backup API copies the database as one reader sees it, WAL included, in one step, while
writers carry on.
"""

import os
import secrets
import sqlite3
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import create_engine, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from qms.db import SQLITE_BUSY_TIMEOUT_MS
from qms.errors import Conflict, DatabaseProblem, Joined, NotFound, ValidationError
from qms.services.backup.archive import sync_folder

JOURNALS = ("-wal", "-journal")


def database_path(url: str) -> Path:
    """The file an SQLite URL names; an in-memory database has none."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise ValidationError(
            "QMS_DATABASE_URL names an in-memory database, which cannot be backed up or restored"
        )
    return Path(database)


def copy_online(source: Path, into: Path) -> None:
    """A consistent copy of the live database ``source`` into the new file ``into``: one
    step of the backup API (writers are not blocked in WAL mode), then the copy is made a
    self-contained file (rollback journal mode, so it has no ``-wal`` of its own)."""
    if not source.is_file():
        raise NotFound("there is no database file at {path}", path=str(source))
    try:
        reader = sqlite3.connect(source, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            copy = sqlite3.connect(into)
            try:
                reader.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        finally:
            reader.close()
    except sqlite3.Error as exc:  # not a database, locked beyond the timeout, disk full
        raise DatabaseProblem(
            "cannot back up {path} ({reason})", path=str(source), reason=str(exc)
        ) from None


def read_only_engine(path: Path) -> Engine:
    """An engine that can only read ``path`` (a snapshot being checked is never changed,
    not even by a journal-mode setting)."""
    uri = path.resolve().as_uri() + "?mode=ro"
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool,
    )


def require_empty(target: Path) -> None:
    """Refuse a target that holds anything: restore goes only into a missing or empty
    file. A journal beside it would be replayed into the restored file, so one holding
    data (the database is in use, or was left mid-write) is refused too."""
    if target.exists() and target.stat().st_size > 0:
        try:
            names = _schema_names(target)
        except sqlite3.DatabaseError:
            raise Conflict(
                "{path} is not an SQLite database: restore only into a new, empty database",
                path=str(target),
            ) from None
        if names:
            raise Conflict(
                "the target database is not empty ({names}): restore only into a new, empty"
                " database",
                names=Joined([*names[:3], "…"] if len(names) > 3 else names),
            )
    for suffix in JOURNALS:
        journal = Path(f"{target}{suffix}")
        if journal.exists() and journal.stat().st_size > 0:
            raise Conflict(
                "the target database {path} is in use or was left mid-write (its {journal}"
                " file holds data): stop what uses it, or restore into a new file",
                path=str(target),
                journal=journal.name,
            )


def _schema_names(path: Path) -> list[str]:
    """The first few tables, indexes or triggers of ``path``. A plain connection, so that
    closing it checkpoints and removes a ``-wal`` it left, when nothing else has the
    database open."""
    existing = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        query = "SELECT name FROM sqlite_master ORDER BY type = 'table' DESC, name LIMIT 4"
        return [row[0] for row in existing.execute(query)]
    finally:
        existing.close()


def new_file_beside(target: Path) -> tuple[Path, BinaryIO]:
    """A new file in the target's folder (so that renaming it over the target is one
    step), created as SQLite creates a database: mode 0666 less the umask."""
    for _attempt in range(100):
        path = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        return path, os.fdopen(fd, "wb")
    raise FileExistsError(f"no free temporary name beside {target}")


def put_in_place(snapshot: Path, target: Path) -> None:
    """Rename the checked snapshot over the (empty) target in one step; an empty target
    that exists keeps its file mode."""
    if target.exists():
        os.chmod(snapshot, target.stat().st_mode & 0o777)
    require_empty(target)  # nothing was written to it meanwhile
    os.replace(snapshot, target)
    sync_folder(target.parent)
