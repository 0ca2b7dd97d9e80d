"""``qms backup`` and ``qms restore``: the whole database, every stored file included, to
one file and back."""

from pathlib import Path

import click

from qms.cli.common import app, echo_phrase
from qms.cli.help import TranslatedHelp
from qms.errors import IntegrityProblem

file_argument = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


@click.command(cls=TranslatedHelp)
@file_argument
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup(file: Path, force: bool) -> None:
    """Write a consistent snapshot of the database, with a manifest, to one file.

    Safe while the application runs: SQLite is copied with its online backup API,
    PostgreSQL with pg_dump (the client tools of the server's version must be
    installed). FILE is a tar archive readable only by you: it holds everything,
    password hashes included. Exit code 8 when the database backed up fails
    qms trail verify or qms pdf verify (the file is written all the same).

    \b
    Example:
      qms backup /var/backups/qms/qms-$(date +%F).tar
    """
    from qms.services.backup.create import create_backup

    settings = app(click.get_current_context()).settings
    result = create_backup(url=settings.database_url, path=file, force=force)
    contents = result.manifest.contents
    echo_phrase(
        "wrote {file} ({size:,} bytes): {backend} database, {documents} documents, {issues} "
        "issues, {signatures} signatures, {files} stored files, {events} trail events",
        file=str(file),
        size=result.size,
        backend=result.manifest.backend,
        documents=contents.rows("document"),
        issues=contents.rows("revision"),
        signatures=contents.rows("signature"),
        files=len(contents.blobs),
        events=contents.trail_length,
    )
    if result.problems:
        raise IntegrityProblem(
            "the database backed up fails its checks: {problem}", problem=result.problems[0]
        )


@click.command(cls=TranslatedHelp)
@file_argument
def restore(file: Path) -> None:
    """Restore a backup file into an empty database, and verify it.

    The database (QMS_DATABASE_URL) must be empty: a new SQLite file, or a newly
    created PostgreSQL database. The result is kept only if it holds exactly what the
    backup's manifest describes and passes qms trail verify and qms pdf verify;
    otherwise nothing is restored.

    \b
    Example:
      createdb qms_restored
      QMS_DATABASE_URL=postgresql://qms@db/qms_restored qms restore qms-2026-03-01.tar
    """
    from qms.services.backup.restore import restore_backup

    settings = app(click.get_current_context()).settings
    manifest = restore_backup(url=settings.database_url, path=file)
    contents = manifest.contents
    echo_phrase(
        "restored {file} (taken {taken} UTC by qms {version}): {documents} documents, "
        "{issues} issues, {signatures} signatures, {files} stored files, {events} trail "
        "events; trail intact, stored files match their hashes",
        file=str(file),
        taken=f"{manifest.created_at:%Y-%m-%d %H:%M}",
        version=manifest.qms_version,
        documents=contents.rows("document"),
        issues=contents.rows("revision"),
        signatures=contents.rows("signature"),
        files=len(contents.blobs),
        events=contents.trail_length,
    )
