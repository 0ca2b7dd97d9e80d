"""One integrity check of every stored record against the trail, on both databases.

Each attack edits rows in SQL and rewrites the hashes kept beside them, so the row agrees
with itself and the chain and stored-file checks still pass; the trail's record of the
signing, rendering and publication is what shows the change."""

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import IntegrityProblem, InvalidTransition
from qms.services import blobs
from qms.services.audits import planning as audits
from qms.services.audits import records as audit_records
from qms.services.audits import reports as audit_reports
from qms.services.audits.core import get_audit
from qms.services.capa import lifecycle as capa
from qms.services.capa import records as capa_records
from qms.services.capa.records import get_capa
from qms.services.documents import importer, renditions, revisions, signatures
from qms.services.integrity import check as integrity
from qms.services.integrity.copies import confirm_controlled_copies
from qms.services.integrity.issues import issue_mismatches
from qms.services.integrity.report import IntegrityReport
from qms.services.people import users
from qms.services.trail import chain as trail
from tests.helpers import (
    act,
    download,
    effective_document,
    get,
    new_draft,
    refused,
    revise,
    to_effective,
)
from tests.seed import PASSWORD
from tests.services import capa_setup as cs
from tests.services.audit_helpers import answer_all
from tests.tamper import edit_body, point_issue_pdf, point_record_pdf, store_forged_pdf

IMPORTED = """---
code: {code}
title: "Quy trình tiếp nhận hồ sơ"
type: procedure
department: VP
issue: 1
effective_date: 2025-03-01
---
# 1. Nội dung

Tiếp nhận hồ sơ trong 02 ngày làm việc.
"""


def run(engine: Engine) -> IntegrityReport:
    with read_session(engine) as session:
        return integrity.run(session, viewer=None)


def found(report: IntegrityReport) -> list[tuple[str, str, int | None, str, str, str]]:
    return [(m.record, m.ref, m.issue, m.what, m.expected, m.found) for m in report.mismatches]


def old_checks_pass(engine: Engine) -> None:
    """What ``qms trail verify`` and ``qms pdf verify`` check still holds."""
    with read_session(engine) as session:
        assert trail.verify(session).ok
        assert blobs.verify(session)[1] == []


def stored_hash(engine: Engine, code: str = "QT-01", issue: int = 1) -> str:
    with read_session(engine) as session:
        return get(session, code, issue)[1].content_hash


def reported_audit(engine: Engine) -> str:
    """An audit of MC reported by binh and signed by its auditee representative lan."""
    ref = cs.audit_with_findings(engine, grades=("NC_MINOR",))
    answer_all(engine, ref, skip=(1,), auditor="binh")
    act(engine, audits.conclude, "binh", ref=ref, conclusions="Phù hợp")
    act(engine, audit_reports.report, "binh", ref=ref, password=PASSWORD)
    act(engine, audit_reports.sign, "lan", ref=ref, password=PASSWORD)
    return ref


def test_a_history_of_every_kind_is_intact(engine: Engine, tmp_path: Path) -> None:
    effective_document(engine, "QT-01")
    revise(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=False, comment="Sửa bước 2")
    revise(engine, "QT-01", n=3)
    to_effective(engine, "QT-01")
    act(engine, revisions.acknowledge, "lan", code="QT-01")
    source = tmp_path / "QT-05.md"
    source.write_text(IMPORTED.format(code="QT-05"), encoding="utf-8")
    act(engine, importer.import_files, "thu", paths=[source])
    act(engine, revisions.obsolete, "thu", code="QT-05", reason="Gộp vào QT-01")
    new_draft(engine, "QT-02")
    act(engine, revisions.submit, "thu", code="QT-02", password=PASSWORD)
    reported_audit(engine)
    car = cs.verified(engine)
    act(engine, capa.close, "thu", ref=car)

    report = run(engine)

    assert report.mismatches == ()
    assert report.intact
    assert report.chain_intact
    assert (report.issues, report.audits, report.corrective_actions) == (4, 1, 1)
    with read_session(engine) as session:
        assert report.trail_events == trail.verify(session).events
        assert report.files == blobs.verify(session)[0] >= 5


def test_an_edited_text_with_every_hash_rewritten_is_named(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    signed = stored_hash(engine)
    edited = edit_body(engine, "QT-01", 1, "02 ngày", "20 ngày")
    old_checks_pass(engine)

    report = run(engine)

    assert found(report) == [
        ("issue", "QT-01", 1, "content", signed, edited),
        ("issue", "QT-01", 1, "signature", signed, edited),
        ("issue", "QT-01", 1, "signature", signed, edited),
        ("issue", "QT-01", 1, "signature", signed, edited),
    ]
    assert not report.intact
    assert report.chain_intact
    first = report.mismatches[0]
    assert first.message == (
        f"QT-01 issue 1: its text (hash {edited[:12]}…) is not the text the trail recorded "
        f"(hash {signed[:12]}…, event {first.event})"
    )
    assert report.mismatches[3].message.startswith(
        f"QT-01 issue 1: the signature of hai (approved) binds {edited[:12]}…, but the trail "
        f"recorded {signed[:12]}…"
    )
    with read_session(engine) as session:
        doc, rev = get(session, "QT-01", 1)
        # Each signature's hash matches the edited text, yet none of them is valid.
        assert [v.valid for v in signatures.signatures_of(session, doc, rev)] == [False] * 3
        assert issue_mismatches(session, doc, rev) == report.mismatches


def test_an_imported_issue_edited_in_sql_is_named(engine: Engine, tmp_path: Path) -> None:
    for code in ("QT-05", "QT-06"):
        (tmp_path / f"{code}.md").write_text(IMPORTED.format(code=code), encoding="utf-8")
    act(engine, importer.import_files, "thu", paths=[tmp_path])
    imported = {code: stored_hash(engine, code) for code in ("QT-05", "QT-06")}
    naive = edit_body(engine, "QT-05", 1, "02 ngày", "05 ngày", rewrite_hash=False)
    careful = edit_body(engine, "QT-06", 1, "02 ngày", "05 ngày")
    old_checks_pass(engine)

    assert found(run(engine)) == [
        ("issue", "QT-05", 1, "stored_hash", naive, imported["QT-05"]),
        ("issue", "QT-05", 1, "content", imported["QT-05"], naive),
        ("issue", "QT-06", 1, "content", imported["QT-06"], careful),
    ]


def test_a_forged_pdf_is_named_and_never_served(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        genuine = str(get(session, "QT-01", 1)[1].pdf_sha256)
        renditions.document_pdf(session, viewer=thu, code="QT-01")  # checked once already
    forged = store_forged_pdf(engine)
    point_issue_pdf(engine, "QT-01", 1, forged)
    old_checks_pass(engine)

    assert found(run(engine)) == [("issue", "QT-01", 1, "pdf", genuine, forged)]
    refusal = "the stored PDF of QT-01 issue 1 is not the one recorded when it took effect"
    with read_session(engine) as session, pytest.raises(IntegrityProblem, match=refusal):
        renditions.document_pdf(session, viewer=users.get_user(session, "lan"), code="QT-01")
    with pytest.raises(IntegrityProblem, match=refusal):
        download(engine, "QT-01")
    with write_session(engine) as session, pytest.raises(IntegrityProblem, match=refusal):
        renditions.manual_pdf(session)


def test_copies_confirmed_together_name_the_forged_one(engine: Engine) -> None:
    for code in ("QT-01", "QT-02", "QT-03"):
        effective_document(engine, code)
    with read_session(engine) as session:
        genuine = {c: str(get(session, c, 1)[1].pdf_sha256) for c in ("QT-01", "QT-02", "QT-03")}
    forged = store_forged_pdf(engine)
    point_issue_pdf(engine, "QT-02", 1, forged)
    copies = [("QT-01", 1, genuine["QT-01"]), ("QT-02", 1, forged), ("QT-03", 1, genuine["QT-03"])]
    with read_session(engine) as session:
        with pytest.raises(IntegrityProblem, match="stored PDF of QT-02 issue 1 is not the one"):
            confirm_controlled_copies(session, copies)
        confirm_controlled_copies(session, [copies[0], copies[2]])  # the genuine ones pass
        with pytest.raises(IntegrityProblem, match="QT-02 issue 1"):  # still refused after
            confirm_controlled_copies(session, copies)


def test_tampering_while_in_review_stops_the_approval(engine: Engine) -> None:
    new_draft(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    edit_body(engine, "QT-01", 1, "02 ngày", "20 ngày")
    refused(
        engine,
        InvalidTransition,
        revisions.approve,
        "hai",
        "needs a valid review signature",
        code="QT-01",
        password=PASSWORD,
    )


def test_tampering_between_approval_and_publication_is_named(engine: Engine) -> None:
    new_draft(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    approved = stored_hash(engine)
    edited = edit_body(engine, "QT-01", 1, "02 ngày", "20 ngày")
    act(engine, revisions.publish, "thu", code="QT-01")  # the trail now records the edit

    assert [m[3:] for m in found(run(engine))] == [
        ("approval", approved, edited),
        ("signature", approved, edited),
        ("signature", approved, edited),
        ("signature", approved, edited),
    ]


def test_a_changed_status_and_a_removed_issue_are_named(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    revise(engine, "QT-01")
    to_effective(engine, "QT-01")
    removed = _revision_id(engine, "QT-01", 1)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM signature WHERE revision_id = :id"), {"id": removed})
        connection.execute(text("DELETE FROM revision WHERE id = :id"), {"id": removed})
        connection.execute(
            text("UPDATE revision SET status = 'obsolete' WHERE issue = 2 AND status = 'effective'")
        )

    assert [m[:5] for m in found(run(engine))] == [
        ("issue", "QT-01", 2, "status", "effective"),
        ("issue", "QT-01", 1, "missing", ""),
    ]


def _revision_id(engine: Engine, code: str, issue: int) -> int:
    with read_session(engine) as session:
        return int(get(session, code, issue)[1].id or 0)


def test_audit_reports_and_corrective_action_records_are_checked(engine: Engine) -> None:
    ref = reported_audit(engine)
    car = cs.verified(engine)
    act(engine, capa.close, "thu", ref=car)
    with read_session(engine) as session:
        audit = get_audit(session, ref)
        signed, report_pdf = audit_records.record_hash(session, audit), str(audit.report_sha256)
        record_pdf = str(get_capa(session, car).record_sha256)
    with engine.begin() as connection:  # the conclusions changed, the signatures made to match
        connection.execute(
            text("UPDATE audit SET conclusions = 'Không phù hợp' WHERE ref = :ref"), {"ref": ref}
        )
    with read_session(engine) as session:
        edited = audit_records.record_hash(session, get_audit(session, ref))
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_signature SET content_hash = :h"), {"h": edited})
    forged = store_forged_pdf(engine)
    point_record_pdf(engine, "audit", "report_sha256", ref, forged)
    point_record_pdf(engine, "corrective_action_request", "record_sha256", car, forged)
    old_checks_pass(engine)

    assert [m[:2] + m[3:] for m in found(run(engine))] == [
        ("audit", ref, "signature", signed, edited),
        ("audit", ref, "signature", signed, edited),
        ("audit", ref, "content", signed, edited),
        ("audit", ref, "pdf", report_pdf, forged),
        ("capa", car, "pdf", record_pdf, forged),
    ]


def test_forged_record_pdfs_are_never_served(engine: Engine) -> None:
    """An audit report or corrective action record pointed at a forged PDF stored under its
    own hash is refused at download, as a document's controlled copy is."""
    ref = reported_audit(engine)
    car = cs.verified(engine)
    act(engine, capa.close, "thu", ref=car)
    with read_session(engine) as session:
        binh = users.get_user(session, "binh")
        genuine_report = audit_reports.report_pdf(session, viewer=binh, ref=ref)[1]
        genuine_record = capa_records.record_pdf(session, viewer=None, ref=car)[1]
    assert genuine_report.startswith(b"%PDF")
    assert genuine_record.startswith(b"%PDF")
    forged = store_forged_pdf(engine)
    point_record_pdf(engine, "audit", "report_sha256", ref, forged)
    point_record_pdf(engine, "corrective_action_request", "record_sha256", car, forged)

    with read_session(engine) as session:
        binh = users.get_user(session, "binh")
        with pytest.raises(IntegrityProblem, match=f"the stored PDF of {ref} is not the one"):
            audit_reports.report_pdf(session, viewer=binh, ref=ref)
        with pytest.raises(IntegrityProblem, match=f"the stored PDF of {car} is not the one"):
            capa_records.record_pdf(session, viewer=None, ref=car)


def test_an_altered_stored_pdf_names_its_issue(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    with read_session(engine) as session:
        key = str(get(session, "QT-01", 1)[1].pdf_sha256)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE blob SET data = :d WHERE sha256 = :k"), {"d": b"%PDF altered", "k": key}
        )
    (mismatch,) = run(engine).mismatches
    assert (mismatch.record, mismatch.ref, mismatch.issue, mismatch.what) == (
        "issue",
        "QT-01",
        1,
        "file",
    )
    assert (mismatch.expected, mismatch.found) == (key, blobs.sha256(b"%PDF altered"))
    assert (
        mismatch.message == f"QT-01 issue 1: its stored PDF {key[:12]}… no longer matches its hash"
    )
