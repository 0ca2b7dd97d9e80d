"""``qms init``: create or upgrade the database, optionally with the sample QMS."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from qms.cli.common import (
    app,
    echo_phrase,
    phrase,
    read_password,
    require_regular_file,
    writing,
)
from qms.cli.help import TranslatedHelp
from qms.errors import PermissionDenied

MAX_ORGANISATION_BYTES = 8 * 1024 * 1024  # departments and users: thousands of lines


@click.command(cls=TranslatedHelp)
@click.option("--demo", is_flag=True, help="Load the sample QMS (organisation, users, procedures).")
@click.option(
    "--organisation",
    "org_file",
    type=click.Path(path_type=Path),
    help="Load departments and users from an organisation YAML file.",
)
@click.option("--admin", "admin_username", metavar="USERNAME", help="Create the first admin user.")
@click.option("--admin-name", default="Administrator", show_default=True, help="Their full name.")
def init(demo: bool, org_file: Path | None, admin_username: str | None, admin_name: str) -> None:
    """Create the database or upgrade it to this version's schema.

    Safe to run again: it only applies migrations not yet applied.
    --admin asks for the new admin's password (or reads it from stdin).

    \b
    Examples:
      qms init --admin admin --admin-name "Nguyễn Văn An"
      qms init --demo        # sample district QMS, users' password qms-demo-2026
    """
    from qms.db import all_or_nothing, upgrade
    from qms.paths import procedures_dir
    from qms.services import sample
    from qms.services.people import organisation, users

    if demo:  # its documents' controlled copies are rendered: start the renderer now
        from qms.render import launch_workers

        launch_workers()
    if org_file:
        require_regular_file(org_file, option="--organisation", limit=MAX_ORGANISATION_BYTES)
    engine = app(click.get_current_context()).engine
    upgrade(engine)
    echo_phrase("database schema is up to date")
    if demo:
        with all_or_nothing(engine) as session, _only_into_an_empty_database("--demo"):
            depts, people, docs = sample.install(session, folder=procedures_dir())
        echo_phrase(
            "sample QMS loaded: {departments} departments, {users} users, {documents} documents",
            departments=depts,
            users=people,
            documents=docs,
        )
    if org_file:
        with writing() as session, _only_into_an_empty_database("--organisation"):
            loaded, created = organisation.load_organisation_file(
                session, actor=None, path=org_file
            )
        echo_phrase(
            "loaded {departments} departments and {users} users from {file}",
            departments=len(loaded),
            users=len(created),
            file=org_file.name,
        )
    if admin_username:
        password = read_password(phrase("Password for {username}").format(username=admin_username))
        with writing() as session:
            users.create_user(
                session,
                actor=None,
                username=admin_username,
                full_name=admin_name,
                password=password,
                roles=["admin"],
            )
        echo_phrase("created admin {username}", username=admin_username)


@contextmanager
def _only_into_an_empty_database(option: str) -> Iterator[None]:
    """Without an acting admin the service loads people only into a database with none; its
    refusal then says what ``qms init`` itself can do instead."""
    try:
        yield
    except PermissionDenied:
        raise PermissionDenied(
            "the database already has users: {option} loads only into a new database"
            " (point QMS_DATABASE_URL at an empty one); 'qms init' without {option}"
            " upgrades this one and keeps its data",
            option=option,
        ) from None
