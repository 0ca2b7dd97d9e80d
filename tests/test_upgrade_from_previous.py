"""A database made by the previous version (schema 0003, tables ``audit_event`` and
``corrective_action``) upgrades with ``qms init`` and still verifies: every row kept, the
trail's chain intact and still guarded, stored PDFs and signatures valid.

The rows come from tests/data/previous_version.json, made by the previous version's own
code (see tests/data/make_previous_version.py)."""

import base64
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import MetaData, func, insert, text
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from qms.cli import cli
from qms.db import (
    SEARCH_INDEX,
    UNMODELLED_TABLES,
    alembic_config,
    current_revision,
    make_engine,
    read_session,
)
from qms.domain import Meaning
from qms.models import Audit, BodyHtml, Document, Revision, User
from qms.render.markdown import convert
from qms.services.audits import records as audit_records
from qms.services.documents import bodies, revisions, signatures
from qms.services.trail import chain as trail
from tests.helpers import act

FIXTURE = Path(__file__).parent / "data" / "previous_version.json"
RENAMED = {"audit_event": "trail_event", "corrective_action": "corrective_action_request"}
# Tables added since, empty after the upgrade (web_session: sign-ins start afresh; no
# objective, one-stop-desk figure, notice, mail, scheduled job, paper signature, risk,
# distribution line, controlled paper copy, yearly report draft, conformity decision,
# management review, line of the list of records or batch of records yet).
ADDED = (
    "web_session",
    "quality_objective",
    "objective_version",
    "objective_result",
    "desk_import",
    "dossier_stat",
    "satisfaction_count",
    "citizen_feedback",
    "notice",
    "mail_message",
    "mail_digest_item",
    "job_run",
    "paper_signature",
    "paper_history_line",
    "risk",
    "risk_action",
    "distribution_entry",
    "controlled_copy",
    "yearly_draft",
    "conformity_decision",
    "management_review",
    "review_attendee",
    "review_conclusion",
    "review_decision",
    "record_type",
    "record_batch",
)


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        ((kind, raw),) = value.items()
        if kind == "bytes":
            return base64.b64decode(raw)
        if kind == "datetime":
            return datetime.fromisoformat(raw)
        if kind == "date":
            return date.fromisoformat(raw)
        raise ValueError(f"unknown tag {kind}")
    return value


@pytest.fixture(scope="module")
def previous() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert data["schema_revision"] == "0003"
    return data


def load_previous(engine: Engine, data: dict[str, Any]) -> None:
    """The schema at 0003, then the previous version's rows, as they were."""
    command.upgrade(alembic_config(engine), "0003")
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        for name, table in data["tables"].items():
            if table["rows"]:
                rows = [dict(zip(table["columns"], map(decode, row), strict=True))
                        for row in table["rows"]]  # fmt: skip
                connection.execute(insert(metadata.tables[name]), rows)
        if engine.dialect.name == "postgresql":  # ids given explicitly: move the sequences on
            for name in data["tables"]:
                if "id" in metadata.tables[name].columns:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                        )
                    )


def qms(url: str, *args: str) -> Result:
    return CliRunner().invoke(
        cli, list(args), env={"QMS_DATABASE_URL": url, "QMS_USER": None}, catch_exceptions=False
    )


def row_counts(engine: Engine) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: connection.execute(core_select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
            # FTS5 keeps the full-text index in shadow tables (SQLite): counted as one.
            if name != "alembic_version" and (name == SEARCH_INDEX or name not in UNMODELLED_TABLES)
        }


def test_previous_database_upgrades_and_verifies(
    empty_db_url: str, previous: dict[str, Any]
) -> None:
    engine = make_engine(empty_db_url)
    load_previous(engine, previous)
    old_trail = previous["tables"]["audit_event"]
    columns = old_trail["columns"]
    newest = dict(zip(columns, old_trail["rows"][-1], strict=True))
    assert len(old_trail["rows"]) >= 30

    init = qms(empty_db_url, "init")
    assert init.exit_code == 0, init.output
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head != "0003"
    assert analyzed_after_the_upgrade(engine)

    expected = {RENAMED.get(name, name): len(t["rows"]) for name, t in previous["tables"].items()}
    # New and derived: the HTML of each body people read (issues effective or in progress).
    revision_table = previous["tables"]["revision"]
    shown = {
        row["body"]
        for row in (
            dict(zip(revision_table["columns"], r, strict=True)) for r in revision_table["rows"]
        )
        if row["status"] in ("effective", "draft", "in_review", "approved")
    }
    expected["body_html"] = len(shown)
    # ... and the full-text index of the register: one row per document.
    expected[SEARCH_INDEX] = len(previous["tables"]["document"]["rows"])
    # ... and the register's tally: one row per type, department and standing of documents.
    with engine.connect() as connection:
        expected["register_tally"] = connection.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT DISTINCT doc_type, department_id, in_effect, "
                "in_progress, withdrawn FROM document) AS groups"
            )
        ).scalar_one()
    assert row_counts(engine) == expected | dict.fromkeys(ADDED, 0)
    with read_session(engine) as session:
        stored = {row.body_sha256: row.html for row in session.exec(select(BodyHtml)).all()}
    assert stored == {bodies.body_sha256(b): convert(b).html for b in shown}
    with read_session(engine) as session:  # people kept: no address yet, mail at once
        contacts = {(u.email, u.mail_choice) for u in session.exec(select(User)).all()}
    assert contacts == {("", "immediate")}

    verify = qms(empty_db_url, "trail", "verify")
    assert verify.exit_code == 0, verify.output
    assert verify.output == f"trail intact: {len(old_trail['rows'])} events, chain verified\n"
    with read_session(engine) as session:
        check = trail.verify(session)
    assert check.ok
    assert check.newest == (newest["seq"], newest["hash"])

    pdfs = qms(empty_db_url, "pdf", "verify")
    assert pdfs.exit_code == 0, pdfs.output
    assert (
        pdfs.output
        == f"{len(previous['tables']['blob']['rows'])} stored files match their hashes\n"
    )
    # Every issue, audit and corrective action still agrees with what the trail recorded.
    intact = qms(empty_db_url, "verify", "--format", "json")
    assert intact.exit_code == 0, intact.output
    report = json.loads(intact.stdout)
    assert report["mismatches"] == []
    assert (report["issues"], report["audits"], report["corrective_actions"]) == (
        len(previous["tables"]["revision"]["rows"]),
        len(previous["tables"]["audit"]["rows"]),
        len(previous["tables"]["corrective_action"]["rows"]),
    )

    with read_session(engine) as session:
        signed = [
            view
            for doc in session.exec(select(Document)).all()
            for rev in session.exec(select(Revision).where(Revision.document_id == doc.id)).all()
            for view in signatures.signatures_of(session, doc, rev)
        ]
        audit_signed = [
            view
            for audit in session.exec(select(Audit)).all()
            for view in audit_records.signatures_of(session, audit)
        ]
    assert len(signed) == len(previous["tables"]["signature"]["rows"])
    assert len(audit_signed) == len(previous["tables"]["audit_signature"]["rows"])
    assert all(view.valid for view in signed)
    assert all(view.valid for view in audit_signed)
    assert {v.signature.meaning for v in signed} == {m.value for m in Meaning}

    # The renamed trail is still append-only ...
    for statement in ("UPDATE trail_event SET actor = 'x'", "DELETE FROM trail_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    # ... and a new event links onto the previous version's chain.
    act(engine, revisions.acknowledge, "hung", code="QT-01")
    with read_session(engine) as session:
        check = trail.verify(session)
        added = trail.events(session, entity="revision", entity_id="QT-01/2")[-1]
    assert check.ok
    assert check.events == len(old_trail["rows"]) + 1
    assert (added.seq, added.prev_hash) == (newest["seq"] + 1, newest["hash"])
    engine.dispose()


def analyzed_after_the_upgrade(engine: Engine) -> bool:
    """The planner knows the indexes the migrations made (here the newest on the issues,
    of a table with rows)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            known = connection.execute(
                text("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'ix_revision_status_updated'")
            ).scalar_one()
            return bool(known)
        analyzed = connection.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'revision'")
        ).scalar_one()
        return analyzed is not None
