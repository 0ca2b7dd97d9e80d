"""Stored copies are checked against their hash every time they are served: a reported
audit's report, a closed corrective action's record and the parts and whole of a compiled
manual, altered in the database, are refused rather than passed on."""

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session, write_session
from qms.errors import IntegrityProblem
from qms.models import Revision
from qms.services import blobs
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.capa import lifecycle as capa
from qms.services.capa import records as capa_records
from qms.services.documents import renditions
from qms.services.people import users
from tests.helpers import act, effective_document
from tests.seed import PASSWORD
from tests.services import capa_setup as cs
from tests.services.audit_helpers import answer_all


def _alter(engine: Engine, key: str) -> None:
    """Change the stored bytes under ``key`` (someone with database access), and empty
    this process's cache of served copies, as a fresh worker would start."""
    with engine.begin() as connection:
        data = connection.execute(text("SELECT data FROM blob WHERE sha256 = :k"), {"k": key})
        altered = bytes(data.scalar_one()) + b"\n% altered"
        connection.execute(
            text("UPDATE blob SET data = :d WHERE sha256 = :k"), {"d": altered, "k": key}
        )
    blobs.forget_cached()


def test_an_altered_audit_report_is_refused(engine: Engine) -> None:
    ref = cs.audit_with_findings(engine, grades=("NC_MINOR",))
    answer_all(engine, ref, skip=(1,), auditor="binh")
    act(engine, audits.conclude, "binh", ref=ref, conclusions="Phù hợp")
    act(engine, audit_reports.report, "binh", ref=ref, password=PASSWORD)
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        audit, served = audit_reports.report_pdf(session, viewer=thu, ref=ref)
        key = str(audit.report_sha256)
        assert blobs.sha256(served) == key  # the stored copy is what is served
    _alter(engine, key)
    with read_session(engine) as session, pytest.raises(IntegrityProblem, match="does not match"):
        audit_reports.report_pdf(session, viewer=users.get_user(session, "thu"), ref=ref)


def test_an_altered_corrective_action_record_is_refused(engine: Engine) -> None:
    ref = cs.verified(engine)
    act(engine, capa.close, "thu", ref=ref)
    with read_session(engine) as session:
        car, served = capa_records.record_pdf(session, viewer=None, ref=ref)
        key = str(car.record_sha256)
        assert blobs.sha256(served) == key
    _alter(engine, key)
    with read_session(engine) as session, pytest.raises(IntegrityProblem, match="does not match"):
        capa_records.record_pdf(session, viewer=None, ref=ref)


def test_a_manual_refuses_an_altered_stored_compilation(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    with write_session(engine) as session:
        compiled = blobs.sha256(renditions.manual_pdf(session))
    _alter(engine, compiled)
    with write_session(engine) as session, pytest.raises(IntegrityProblem, match=compiled[:12]):
        renditions.manual_pdf(session)


def test_a_new_manual_refuses_an_altered_issue_inside_it(engine: Engine) -> None:
    effective_document(engine, "QT-01")  # no manual compiled yet
    with read_session(engine) as session:
        part = str(session.exec(select(Revision.pdf_sha256)).one())
    _alter(engine, part)
    with write_session(engine) as session, pytest.raises(IntegrityProblem, match=part[:12]):
        renditions.manual_pdf(session)
