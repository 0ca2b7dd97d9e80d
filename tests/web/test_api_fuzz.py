"""The JSON API fuzzed from its own OpenAPI schema, once per role and nobody signed in.

Schemathesis generates requests for every operation of ``/api/openapi.json``: valid
ones, most of them steered to the records, people and values that exist so that they
reach the rules, and invalid ones. They go to the real app on a real database holding
documents in every state, an audit in progress and corrective actions, with the
caller's session cookie and anti-forgery header. Every response must:

- not be a server error (5xx);
- be one the schema describes: its status, content type and body;
- when it refuses, leave every table as it was; when it succeeds, have written only
  trail events the caller's role may cause.

The examples are few and derandomised, so a run is reproducible and short; set
``QMS_FUZZ_EXAMPLES`` (valid requests per operation, default 5) for a longer hunt.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from qms.db import make_engine
from qms.domain import Role
from qms.settings import Settings
from qms.web.app import SESSION_COOKIE, create_app
from tests.helpers import documents_in_every_state
from tests.pgserver import PostgresServer
from tests.services.capa_setup import planned
from tests.web.api_fuzzing import CONFIG, Caller, Ledger, fuzz
from tests.web.client import WebClient
from tests.web.records_setup import add_records

EXAMPLES = int(os.environ.get("QMS_FUZZ_EXAMPLES", "5"))
INVALID_EXAMPLES = max(EXAMPLES // 2, 2)

ANONYMOUS = "anonymous"
USER_OF_ROLE = {
    Role.STAFF: "lan",
    Role.CONTROLLER: "thu",
    Role.REVIEWER: "hung",
    Role.APPROVER: "hai",
    Role.AUDITOR: "binh",
    Role.ADMIN: "admin",
}
# Signing in does not depend on who is signed in already: fuzzed once, by nobody.
SIGN_IN = "POST /api/session"

# The trail events each role may cause through the API, as the services' rules say.
# Some steps belong to a person rather than a role (the owner of an action, the auditee
# representative who signs the report, whoever signs in): anyone may cause those.
ANYONE = {
    "user.login",
    "revision.acknowledge",
    "capa.open",
    "capa.action_done",
    "capa.actions_done",
    "audit.sign",
}
DRAFTING = {
    "document.register",
    "revision.draft",
    "revision.edit",
    "revision.submit",
    "signature.drafted",
    "revision.publish",
    "revision.supersede",
    "revision.render",
}
REVIEWING = {"revision.review_accepted", "revision.review_returned", "signature.reviewed"}
APPROVING = {"revision.approve", "revision.review_returned", "signature.approved"}
PLANNING_AUDITS = {"audit.plan", "audit.assign"}
LEADING_AUDITS = {
    "audit.start",
    "audit.record",
    "audit.conclude",
    "audit.report",
    "audit.reopen",
    "audit.close",
}
# Controllers, and reviewers or approvers of the nonconformity's department.
LEADING_CAPA = {
    "capa.contain",
    "capa.analyse",
    "capa.action_add",
    "capa.plan",
    "capa.close",
    "capa.render",
}
MAY_CAUSE: dict[str, set[str]] = {
    ANONYMOUS: {"user.login"},
    Role.STAFF: ANYONE,
    Role.CONTROLLER: ANYONE | DRAFTING | PLANNING_AUDITS | LEADING_CAPA | {"capa.verify"},
    Role.REVIEWER: ANYONE | REVIEWING | LEADING_CAPA,
    Role.APPROVER: ANYONE | APPROVING | LEADING_CAPA,
    Role.AUDITOR: ANYONE | PLANNING_AUDITS | LEADING_AUDITS | {"capa.verify"},
    Role.ADMIN: ANYONE | PLANNING_AUDITS,
}


def fuzz_records(engine: Engine) -> dict[str, list[Any]]:
    """Documents in every state, audit IA-2026-01 in progress with a finding, complaint
    CAR-2026-001 open and CAR-2026-002 with actions planned (one of them lan's); returns
    values of the path parameters that name them."""
    documents_in_every_state(engine)
    audit, complaint = add_records(engine)
    with_actions = planned(engine, owners=("lan", "hung"))
    return {
        "code": ["QT-01", "QT-02", "QT-03", "QT-04"],
        "issue": [1, 2],
        "ref": [audit, complaint, with_actions],
        "number": [1, 2, 3],
    }


@dataclass(frozen=True)
class FuzzDatabase:
    url: str
    known_paths: dict[str, list[Any]]


@pytest.fixture(scope="session")
def sqlite_fuzz_template(
    sqlite_templates: dict[bool, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, list[Any]]]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copyfile(sqlite_templates[True], path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        known = fuzz_records(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path, known


@pytest.fixture(scope="session")
def pg_fuzz_template(
    pg_server: PostgresServer, pg_templates: dict[bool, str]
) -> tuple[str, dict[str, list[Any]]]:
    name = "qms_template_fuzz"
    engine = make_engine(pg_server.create_database(name, template=pg_templates[True]))
    try:
        known = fuzz_records(engine)
    finally:
        engine.dispose()
    return name, known


@pytest.fixture
def fuzz_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[FuzzDatabase]:
    """A fresh copy of the fuzzing database on ``backend``."""
    if backend == "sqlite":
        template, known = request.getfixturevalue("sqlite_fuzz_template")
        path = tmp_path / "qms.db"
        shutil.copyfile(template, path)
        yield FuzzDatabase(f"sqlite:///{path}", known)
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    template_name, known = request.getfixturevalue("pg_fuzz_template")
    name = f"t_fuzz_{os.urandom(6).hex()}"
    try:
        yield FuzzDatabase(server.create_database(name, template=template_name), known)
    finally:
        server.drop_database(name)


def caller_for(app: FastAPI, role: str) -> Caller:
    """A session of the role's user (none for ``anonymous``) with its anti-forgery token."""
    with WebClient(app) as client:
        if role != ANONYMOUS:
            assert client.login(USER_OF_ROLE[Role(role)]).status_code == 303
        token = client.csrf()
        cookies = {SESSION_COOKIE: client.cookies[SESSION_COOKIE]}
    return Caller(cookies, {"X-CSRF-Token": token}, frozenset(MAY_CAUSE[role]))


def test_every_role_is_fuzzed() -> None:
    assert set(USER_OF_ROLE) == set(Role) == set(MAY_CAUSE) - {ANONYMOUS}


@pytest.mark.parametrize("role", [ANONYMOUS, *Role])
def test_the_api_holds_under_fuzzing(fuzz_database: FuzzDatabase, role: str) -> None:
    app = create_app(Settings(database_url=fuzz_database.url))
    engine = make_engine(fuzz_database.url)
    try:
        caller = caller_for(app, role)
        ledger = Ledger(engine)
        first_seq = ledger.last_seq()
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=CONFIG)
        failures = []
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label == SIGN_IN and role != ANONYMOUS:
                continue
            try:
                fuzz(
                    operation,
                    caller=caller,
                    ledger=ledger,
                    known_paths=fuzz_database.known_paths,
                    examples=EXAMPLES,
                    invalid_examples=INVALID_EXAMPLES,
                )
            except (Exception, schemathesis.errors.FailureGroup) as exc:
                failures.append(f"--- {operation.label}\n{exc}")  # report every operation
        assert not failures, "\n".join(failures)
        if role == ANONYMOUS:  # nobody signed in writes nothing but sign-ins
            assert set(ledger.actions_after(first_seq)) <= {"user.login"}
    finally:
        engine.dispose()
        app.state.engine.dispose()
