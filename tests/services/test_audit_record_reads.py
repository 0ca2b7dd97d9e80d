"""Reading an audit hashes its whole record (every item's text and evidence) only where
something depends on it; the moment of signing, a check asked for and the integrity check
still compare the record with what was signed. On both databases."""

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import IntegrityProblem
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.audits.core import get_audit
from qms.services.audits.records import record_hash
from qms.services.audits.views import AuditDetail
from qms.services.integrity import check as integrity
from qms.services.people import users
from tests.helpers import act, refused
from tests.seed import PASSWORD
from tests.services import capa_setup as cs
from tests.services.audit_helpers import answer_all


def _read(engine: Engine, ref: str, *, verify: bool = False) -> tuple[AuditDetail, str]:
    """The audit as binh reads it, and its record's hash computed now."""
    with read_session(engine) as session:
        binh = users.get_user(session, "binh")
        info = audit_views.detail(session, viewer=binh, ref=ref, verify=verify)
        return info, record_hash(session, get_audit(session, ref))


def _hash(engine: Engine, ref: str) -> str:
    with read_session(engine) as session:
        return record_hash(session, get_audit(session, ref))


def _reported(engine: Engine) -> str:
    """An audit of MC reported (and so signed) by its lead auditor binh."""
    ref = cs.audit_with_findings(engine, grades=("NC_MINOR",))
    answer_all(engine, ref, skip=(1,), auditor="binh")
    act(engine, audits.conclude, "binh", ref=ref, conclusions="Phù hợp")
    act(engine, audit_reports.report, "binh", ref=ref, password=PASSWORD)
    return ref


def _alter_evidence(engine: Engine, ref: str) -> None:
    """Change an item's evidence in SQL, behind the application's back."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE checklist_item SET evidence = 'Sửa sau khi ký' WHERE number = 2 "
                "AND audit_id = (SELECT id FROM audit WHERE ref = :ref)"
            ),
            {"ref": ref},
        )


def test_an_open_unsigned_record_is_hashed_only_when_asked(engine: Engine) -> None:
    ref = cs.audit_with_findings(engine, grades=("NC_MINOR",))

    info, actual = _read(engine, ref)
    assert (info.content_hash, info.hashed_now, info.signatures) == (None, False, [])
    checked, _ = _read(engine, ref, verify=True)
    assert (checked.content_hash, checked.hashed_now) == (actual, True)


def test_a_reported_record_shows_the_hash_signed_and_a_check_finds_a_change(
    engine: Engine,
) -> None:
    ref = _reported(engine)
    info, actual = _read(engine, ref)
    assert (info.content_hash, info.hashed_now) == (actual, False)
    assert [(s.meaning, s.content_hash, s.valid) for s in info.signatures] == [
        ("lead_auditor", actual, True)
    ]

    _alter_evidence(engine, ref)
    read, altered = _read(engine, ref)
    assert altered != actual
    assert (read.content_hash, read.hashed_now) == (actual, False)  # the hash signed
    checked, _ = _read(engine, ref, verify=True)
    assert (checked.content_hash, checked.hashed_now) == (altered, True)
    assert [(s.meaning, s.valid) for s in checked.signatures] == [("lead_auditor", False)]
    with read_session(engine) as session:
        report = integrity.run(session, viewer=None)
    assert ("audit", ref, "content", actual, altered) in [
        (m.record, m.ref, m.what, m.expected, m.found) for m in report.mismatches
    ]


def test_the_auditee_cannot_sign_a_record_changed_after_it_was_reported(engine: Engine) -> None:
    ref = _reported(engine)
    signed = _hash(engine, ref)
    _alter_evidence(engine, ref)
    altered = _hash(engine, ref)

    refused(
        engine,
        IntegrityProblem,
        audit_reports.sign,
        "lan",
        f"the record of {ref} is not the one reported \\(hash {altered[:12]}…, reported "
        f"{signed[:12]}…\\): it was changed after it was signed; run the integrity check",
        ref=ref,
        password=PASSWORD,
    )


def test_a_reopened_record_judges_its_signatures_against_the_record_as_it_stands(
    engine: Engine,
) -> None:
    ref = _reported(engine)
    act(engine, audit_reports.reopen, "binh", ref=ref, reason="Bổ sung bằng chứng")
    info, actual = _read(engine, ref)
    assert (info.content_hash, info.hashed_now) == (actual, True)
    assert [s.valid for s in info.signatures] == [True]  # nothing changed yet

    act(engine, audit_work.record, "binh", ref=ref, item=2, result="OFI", evidence="Số hoá")
    info, _ = _read(engine, ref)
    assert [s.valid for s in info.signatures] == [False]
