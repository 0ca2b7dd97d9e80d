"""A database ``qms init`` never ran on, and ``qms init`` on one that already holds data:
each is one line saying what to do, with options that exist, and nothing changes."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from qms.cli import cli
from qms.cli.setup import init
from qms.db import make_engine
from tests.helpers import snapshot

NO_TABLES = "error: the database has no tables yet: run 'qms init' first\n"
COMMANDS = [
    ("doc", "list"),
    ("doc", "show", "QT-01"),
    ("user", "list"),
    ("trail", "verify"),
    ("audit", "list", "--as", "thu"),
    ("doc", "revise", "QT-01", "--as", "thu"),
    ("capa", "list"),
]


def run(url: str, *args: str, language: str = "en") -> Result:
    return CliRunner().invoke(
        cli,
        list(args),
        env={"QMS_DATABASE_URL": url, "QMS_LANGUAGE": language, "QMS_USER": None},
        catch_exceptions=False,
    )


@pytest.fixture
def empty_db_url(empty_db_url: str) -> str:
    """The shared empty database, with its SQLite file already there (created empty)."""
    if empty_db_url.startswith("sqlite:///"):
        Path(empty_db_url.removeprefix("sqlite:///")).touch()
    return empty_db_url


def tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_database_without_tables_says_to_run_init(
    empty_db_url: str, args: tuple[str, ...]
) -> None:
    result = run(empty_db_url, *args)
    assert (result.exit_code, result.stderr, result.stdout) == (9, NO_TABLES, "")
    assert tables(empty_db_url) == {}


def test_the_advice_is_in_the_readers_language_and_init_then_works(empty_db_url: str) -> None:
    result = run(empty_db_url, "doc", "list", language="vi")
    assert (result.exit_code, result.stderr) == (
        9,
        "error: cơ sở dữ liệu chưa có bảng nào: hãy chạy 'qms init' trước\n",
    )
    assert run(empty_db_url, "init").exit_code == 0
    listed = run(empty_db_url, "doc", "list")
    assert (listed.exit_code, listed.stderr) == (0, "")


def test_other_database_problems_keep_their_own_message(engine: Engine, db_url: str) -> None:
    """Only a database without tables gets the advice: one with its schema and a table
    missing is a different problem."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE document RENAME TO document_kept")
    result = run(db_url, "doc", "list")
    assert result.exit_code == 9
    assert result.stderr.startswith("error: database problem: ")
    assert "qms init" not in result.stderr


@pytest.mark.parametrize("option", ["--demo", "--organisation"])
def test_init_on_a_database_with_data_names_only_options_that_exist(
    engine: Engine, db_url: str, option: str, tmp_path: Path
) -> None:
    organisation = Path(__file__).resolve().parents[2] / "procedures" / "organisation.yaml"
    args = ["init", "--demo"] if option == "--demo" else ["init", option, str(organisation)]
    before = snapshot(engine)
    result = run(db_url, *args)
    assert result.exit_code == 4
    assert result.stderr.count("\n") == 1
    assert "already has users" in result.stderr
    assert option in result.stderr
    named = set(re.findall(r"--[a-z][a-z-]*", result.stderr))
    existing = {name for param in init.params for name in param.opts}
    assert named <= existing, f"{named - existing} are not options of qms init"
    assert "QMS_DATABASE_URL" in result.stderr
    assert snapshot(engine) == before


def test_a_database_of_an_earlier_version_says_to_run_init_and_init_upgrades_it(
    blank_db_url: str,
) -> None:
    """A database ``qms init`` made before the newest migration: a command that needs the
    newer schema says how to upgrade, changes nothing, and ``qms init`` upgrades it."""
    from alembic import command

    from qms.db import alembic_config, current_revision, head_revision

    engine = make_engine(blank_db_url)
    try:
        # Before 0019 the document row did not say where it stands, which the register reads.
        command.downgrade(alembic_config(engine), "0018")
        older = current_revision(engine)
        assert older is not None
        assert older != head_revision()
        before = snapshot(engine)
        result = run(blank_db_url, "doc", "list")
        assert (result.exit_code, result.stdout) == (9, "")
        assert result.stderr == (
            "error: the database is from an earlier version of qms: run 'qms init' to upgrade it\n"
        )
        vietnamese = run(blank_db_url, "doc", "list", language="vi")
        assert vietnamese.stderr.startswith("error: cơ sở dữ liệu thuộc phiên bản qms cũ hơn")
        assert snapshot(engine) == before
        assert run(blank_db_url, "init").exit_code == 0
        assert current_revision(engine) == head_revision()
        assert run(blank_db_url, "doc", "list").exit_code == 0
    finally:
        engine.dispose()


def test_a_database_of_a_newer_version_is_refused_in_one_line_and_left_as_it_is(
    blank_db_url: str,
) -> None:
    """A schema this version does not know (a newer qms made it): ``qms init`` and
    ``qms serve`` refuse to touch it, and a command that fails on it does not send its user
    to ``qms init``, which cannot help."""
    from sqlalchemy import text

    from qms.db import head_revision

    engine = make_engine(blank_db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
            for table in ("risk_action", "risk"):  # as if a newer one renamed them
                connection.execute(text(f"DROP TABLE {table}"))
        before = snapshot(engine)
        newer = (
            "error: the database is from a newer version of qms (schema 9999; this version "
            f"knows up to {head_revision()}): use that version, or restore a backup made by "
            "this one\n"
        )
        for command in (("init",), ("serve", "--port", "1"), ("risk", "list")):
            result = run(blank_db_url, *command)
            assert (result.exit_code, result.stdout, result.stderr) == (9, "", newer)
        vietnamese = run(blank_db_url, "init", language="vi")
        assert vietnamese.stderr.startswith("error: cơ sở dữ liệu thuộc phiên bản qms mới hơn")
        assert snapshot(engine) == before
    finally:
        engine.dispose()
