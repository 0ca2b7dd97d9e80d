"""``qms init``: a new database, the first admin, and the sample QMS."""

import json

from click.testing import CliRunner
from sqlalchemy.engine import Engine

from qms.cli import cli
from qms.db import make_engine, read_session
from qms.paths import procedures_dir
from qms.services.documents import register as documents
from qms.services.trail import chain as trail


def run(url: str, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli, list(args), input=input, env={"QMS_DATABASE_URL": url}, catch_exceptions=False
    )


def test_init_demo_loads_the_sample_qms(blank_db_url: str) -> None:
    result = run(blank_db_url, "init", "--demo")
    files = sorted(procedures_dir().glob("*.md"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "database schema is up to date",
        f"sample QMS loaded: 7 departments, 12 users, {len(files)} documents",
    ]
    rows = json.loads(run(blank_db_url, "doc", "list", "--format", "json").stdout)
    assert len(rows) == len(files) >= 20
    assert {r["type"] for r in rows} >= {
        "policy",
        "manual",
        "procedure",
        "work_instruction",
        "form",
        "external",
    }
    assert {r["language"] for r in rows} == {"vi", "en"}
    engine: Engine = make_engine(blank_db_url)
    with read_session(engine) as session:
        assert trail.verify(session).ok
        assert all(
            r.current is not None and r.current.pdf_sha256
            for r in documents.register(session, viewer=None)
        )
    engine.dispose()
    objectives = json.loads(
        run(blank_db_url, "objective", "list", "--year", "2026", "--format", "json").stdout
    )
    assert len(objectives) == 6
    assert all(o["status"] == "approved" and o["signature_valid"] for o in objectives)
    quarterly = [o for o in objectives if o["frequency"] == "quarterly"]
    assert all(
        [r["period"] for r in o["results"]] == ["2026-Q1", "2026-Q2", "2026-Q3"] for o in quarterly
    )
    below = [
        (o["scope_value"], r["period"]) for o in objectives for r in o["results"] if not r["met"]
    ]
    assert ("1.011612", "2026-Q3") in below
    cars = run(blank_db_url, "capa", "list").stdout
    assert "QLDT" in cars
    assert "1.011612" in cars
    satisfaction = run(blank_db_url, "data", "satisfaction", "--year", "2026").stdout
    assert "2026-Q3" in satisfaction
    verified = run(blank_db_url, "verify")
    assert verified.exit_code == 0, verified.output
    assert f"issues {len(files)}, " in verified.stdout
    again = run(blank_db_url, "init", "--demo")
    assert again.exit_code == 4
    assert "already has users" in again.stderr


def test_init_creates_the_first_admin(blank_db_url: str) -> None:
    result = run(
        blank_db_url, "init", "--admin", "root", "--admin-name", "Quản trị", input="long-password\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "created admin root"
    users_json = json.loads(run(blank_db_url, "user", "list", "--format", "json").stdout)
    assert [(u["username"], u["roles"]) for u in users_json] == [("root", ["admin"])]
    added = run(blank_db_url, "dept", "add", "VP", "Văn phòng", "--as", "root")
    assert added.stdout == "added department VP\n"


def test_init_demo_loads_a_register_of_risks(blank_db_url: str) -> None:
    assert run(blank_db_url, "init", "--demo").exit_code == 0
    entries = json.loads(run(blank_db_url, "risk", "list", "--format", "json").stdout)
    assert len(entries) == 7
    assert {e["kind"] for e in entries} == {"risk", "opportunity"}
    assert {e["level"] for e in entries} == {"low", "medium", "high"}
    first = entries[0]
    assert (first["level"], first["residual_level"]) == ("high", "medium")
    assert [a["done"] for a in first["actions"]] == [True, False]
    assert run(blank_db_url, "risk", "overdue").stdout.splitlines()[1:] == []
