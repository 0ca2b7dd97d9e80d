"""On PostgreSQL the backup and the restore run the server's client tools: a missing or too
old tool, or one that fails, is one line saying what to do, and the password reaches the
tools in their environment, never on their command line."""

import shutil
import stat
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from qms.db import make_engine
from tests.backup_helpers import run, state
from tests.pgserver import PostgresServer

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])


@pytest.fixture
def target(empty_db_url: str) -> str:
    return empty_db_url


@pytest.fixture
def server_major(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def tool(folder: Path, name: str, script: str) -> Path:
    """An executable ``name`` in ``folder`` running the shell ``script``."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_without_pg_dump_the_backup_says_what_to_install(
    db_url: str, server_major: int, tmp_path: Path
) -> None:
    (tmp_path / "bin").mkdir()
    refused = run(db_url, "backup", str(tmp_path / "qms.tar"), env={"PATH": str(tmp_path / "bin")})
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        9,
        "",
        "error: pg_dump was not found: install the PostgreSQL client tools of the server's"
        f" version (Debian package postgresql-client-{server_major})\n",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bin"]


def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_install(
    db_url: str, server_major: int, tmp_path: Path
) -> None:
    # Only a stand-in can be older than the server the tests run: one that prints its version.
    tool(tmp_path / "bin", "pg_dump", 'echo "pg_dump (PostgreSQL) 11.22 (Debian 11.22-1)"\n')
    refused = run(db_url, "backup", str(tmp_path / "qms.tar"), env={"PATH": str(tmp_path / "bin")})
    assert refused.exit_code == 9
    assert refused.stderr.startswith("error: pg_dump 11.22 is older than the PostgreSQL server (")
    assert refused.stderr.endswith(
        f"): install the client tools of version {server_major}"
        f" (Debian package postgresql-client-{server_major})\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bin"]


def test_a_failing_pg_dump_is_reported_in_its_own_words(
    db_url: str, pg_server: PostgresServer, tmp_path: Path
) -> None:
    """A user who may read every table but one: pg_dump (run before anything else reads
    the tables) stops at that one and says so."""
    role = f"reader_{uuid.uuid4().hex[:8]}"
    database = str(make_url(db_url).database)
    pg_server.sql(f"CREATE ROLE {role} LOGIN")
    try:
        pg_server.sql(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
        reader = make_url(db_url).set(username=role).render_as_string(hide_password=False)
        owner = make_engine(db_url)
        with owner.begin() as connection:
            connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
            connection.execute(text(f"REVOKE SELECT ON blob FROM {role}"))
        owner.dispose()
        refused = run(reader, "backup", str(tmp_path / "qms.tar"))
        assert refused.exit_code == 9
        assert refused.stderr.startswith(
            "error: pg_dump failed: error: query failed: ERROR:  permission denied for table blob"
        )
        assert refused.stderr.count("\n") == 1
        assert not (tmp_path / "qms.tar").exists()
    finally:
        owner = make_engine(db_url)
        with owner.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
        owner.dispose()
        pg_server.sql(f"DROP ROLE {role}")


def test_without_pg_restore_the_restore_says_what_to_install_and_changes_nothing(
    db_url: str, target: str, server_major: int, tmp_path: Path
) -> None:
    archive = tmp_path / "qms.tar"
    assert run(db_url, "backup", str(archive)).exit_code == 0
    (tmp_path / "bin").mkdir()
    before = state(target)
    refused = run(target, "restore", str(archive), env={"PATH": str(tmp_path / "bin")})
    assert (refused.exit_code, refused.stderr) == (
        9,
        "error: pg_restore was not found: install the PostgreSQL client tools of the server's"
        f" version (Debian package postgresql-client-{server_major})\n",
    )
    assert state(target) == before


def test_the_password_reaches_the_tools_in_their_environment_not_their_command_line(
    db_url: str, target: str, tmp_path: Path
) -> None:
    """The test server trusts local connections, so any password connects; stand-ins in
    front of the real tools write down what they were given."""
    secret = "s3cret-Ð-p@ss"
    bin_folder = tmp_path / "bin"
    for name in ("pg_dump", "pg_restore"):
        real = shutil.which(name)
        assert real is not None
        tool(
            bin_folder,
            name,
            f'printf "%s\\n" "$@" > "{tmp_path}/{name}.args"\n'
            f'printf "%s" "$PGPASSWORD" > "{tmp_path}/{name}.password"\n'
            f'exec "{real}" "$@"\n',
        )
    tools = {"PATH": str(bin_folder), "PGPASSWORD": None}
    archive = tmp_path / "qms.tar"
    made = run(with_secret(db_url, secret), "backup", str(archive), env=tools)
    assert made.exit_code == 0, made.output
    restored = run(with_secret(target, secret), "restore", str(archive), env=tools)
    assert restored.exit_code == 0, restored.output
    for name in ("pg_dump", "pg_restore"):
        assert (tmp_path / f"{name}.password").read_text(encoding="utf-8") == secret
        arguments = (tmp_path / f"{name}.args").read_text(encoding="utf-8")
        assert "--dbname=postgresql://qms@127.0.0.1:" in arguments
        assert "s3cret" not in arguments


def with_secret(url: str, password: str) -> str:
    return make_url(url).set(password=password).render_as_string(hide_password=False)
