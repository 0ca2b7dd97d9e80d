"""``qms restore``: a backup into an empty database, kept only once it is what the
backup's manifest describes and passes the checks of ``qms trail verify`` and
``qms pdf verify``. A refused restore leaves the target as it was."""

import tempfile
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from qms.db import head_revision, make_engine, read_session
from qms.errors import IntegrityProblem, ValidationError
from qms.services.backup import archive, postgres, sqlite
from qms.services.backup.archive import Backup
from qms.services.backup.contents import contents_of, first_difference, problems_of
from qms.services.backup.manifest import Manifest, backend_of


def restore_backup(*, url: str, path: Path) -> Manifest:
    """Restore the backup file ``path`` into the empty database at ``url``; its manifest."""
    backend = backend_of(url)
    with archive.opened(path) as backup:
        _require_restorable_here(backup, backend)
        if backend == "sqlite":
            _restore_sqlite(backup, sqlite.database_path(url))
        else:
            _restore_postgres(backup, url)
        return backup.manifest


def _require_restorable_here(backup: Backup, backend: str) -> None:
    manifest = backup.manifest
    if manifest.backend != backend:
        raise ValidationError(
            "{path} is a backup of a {backend} database and cannot be restored into a"
            " {target} one: restore it into a {backend} database",
            path=str(backup.path),
            backend=manifest.backend,
            target=backend,
        )
    head = head_revision()
    if manifest.contents.schema_revision != head:
        raise ValidationError(
            "{path} holds schema revision {revision} (qms {version}); this qms restores"
            " schema revision {head} only: restore it with qms {version}, then upgrade with"
            " qms init",
            path=str(backup.path),
            revision=manifest.contents.schema_revision,
            version=manifest.qms_version,
            head=head,
        )


def _restore_sqlite(backup: Backup, target: Path) -> None:
    """Check the snapshot where it was extracted, beside the target, then rename it into
    place: until then the target is untouched, and after it the database is whole."""
    sqlite.require_empty(target)
    try:
        snapshot, out = sqlite.new_file_beside(target)
    except OSError as exc:
        raise archive.cannot_write(target, exc) from None
    try:
        with out:
            backup.extract_snapshot(out, target=target)
        engine = sqlite.read_only_engine(snapshot)
        try:
            _check(backup, engine)
        finally:
            engine.dispose()
        sqlite.put_in_place(snapshot, target)
    finally:
        snapshot.unlink(missing_ok=True)


def _restore_postgres(backup: Backup, url: str) -> None:
    """pg_restore in one transaction, then the checks; a restore the checks refuse is
    dropped again, leaving the database as empty as it was."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            major, _shown = postgres.server_version(connection)
            postgres.require_empty(connection)
        pg_restore = postgres.find_tool("pg_restore", server_major=major)
        with tempfile.TemporaryDirectory(prefix="qms-restore-") as work:
            dump = Path(work) / backup.manifest.snapshot_name
            with dump.open("wb") as out:
                backup.extract_snapshot(out, target=dump)
            postgres.restore(url, tool=pg_restore, dump=dump)
        try:
            _check(backup, engine)
        except IntegrityProblem:
            postgres.drop_own_objects(engine)
            raise
    finally:
        engine.dispose()


def _check(backup: Backup, engine: Engine) -> None:
    """The restored database holds exactly what the manifest says, and its trail chain
    and stored files verify."""
    try:
        with read_session(engine) as session:
            found = contents_of(session)
            problems = problems_of(session)
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise IntegrityProblem(
            "the database in {path} cannot be read ({reason}); nothing was restored",
            path=str(backup.path),
            reason=detail,
        ) from None
    difference = first_difference(backup.manifest.contents, found)
    if difference is not None:
        raise IntegrityProblem(
            "the restored database does not match the manifest of {path}: {difference};"
            " nothing was restored",
            path=str(backup.path),
            difference=difference,
        )
    if problems:
        raise IntegrityProblem(
            "the database in {path} fails its checks: {problem}; nothing was restored",
            path=str(backup.path),
            problem=problems[0],
        )
