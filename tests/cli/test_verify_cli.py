"""``qms verify`` and ``qms doc show`` against tampering that rewrites the hashes too:
the chain and stored-file checks pass, the check against the trail names each change."""

import json

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.trail import chain as trail
from tests.cli.conftest import Invoke
from tests.helpers import effective_document, get
from tests.tamper import edit_body, point_issue_pdf, store_forged_pdf


def _hashes(engine: Engine) -> tuple[str, str, int]:
    """QT-01 issue 1's content hash and PDF hash, and the trail's length."""
    with read_session(engine) as session:
        rev = get(session, "QT-01", 1)[1]
        return rev.content_hash, str(rev.pdf_sha256), trail.verify(session).events


def test_a_clean_database_verifies(qms: Invoke, engine: Engine) -> None:
    effective_document(engine, "QT-01")
    events = _hashes(engine)[2]
    result = qms("verify")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"intact: everything matches the audit trail (trail events {events}, issues 1, "
        "audits 0, corrective actions 0, management reviews 0, stored files 1)\n"
    )
    report = json.loads(qms("verify", "--format", "json").stdout)
    assert report["intact"] is True
    assert report["mismatches"] == []


def test_each_mismatch_is_one_line_and_the_exit_code_is_8(qms: Invoke, engine: Engine) -> None:
    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    signed, genuine_pdf, _ = _hashes(engine)
    edited = edit_body(engine, "QT-01", 1, "02 ngày", "20 ngày")
    with read_session(engine) as session:
        qt02_pdf = str(get(session, "QT-02", 1)[1].pdf_sha256)
    forged = store_forged_pdf(engine)
    point_issue_pdf(engine, "QT-02", 1, forged)
    # What the older checks see: nothing wrong.
    assert qms("trail", "verify").exit_code == 0
    assert qms("pdf", "verify").exit_code == 0

    result = qms("verify")

    assert result.exit_code == 8
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 6
    assert lines[0].startswith(
        f"QT-01 issue 1: its text (hash {edited[:12]}…) is not the text the trail recorded "
        f"(hash {signed[:12]}…, event "
    )
    assert [line.split(":")[1].split(" binds")[0] for line in lines[1:4]] == [
        " the signature of thu (drafted)",
        " the signature of hung (reviewed)",
        " the signature of hai (approved)",
    ]
    assert lines[4].startswith(
        f"QT-02 issue 1: its stored PDF is {forged[:12]}…, but the trail recorded {qt02_pdf[:12]}…"
    )
    assert lines[5] == "error: 5 mismatches between the stored records and the audit trail"
    assert genuine_pdf != qt02_pdf

    as_json = qms("verify", "--format", "json")
    assert as_json.exit_code == 8
    report = json.loads(as_json.stdout)
    assert report["intact"] is False
    assert report["chain_intact"] is True
    assert [(m["ref"], m["issue"], m["what"]) for m in report["mismatches"]] == [
        ("QT-01", 1, "content"),
        ("QT-01", 1, "signature"),
        ("QT-01", 1, "signature"),
        ("QT-01", 1, "signature"),
        ("QT-02", 1, "pdf"),
    ]
    assert report["mismatches"][0]["expected"] == signed
    assert report["mismatches"][0]["found"] == edited
    assert report["mismatches"][4]["found"] == forged
    assert as_json.stderr.splitlines() == [lines[5]]

    in_vietnamese = qms("verify", env={"QMS_LANGUAGE": "vi"}).stderr.splitlines()
    assert in_vietnamese[0].startswith("QT-01 lần ban hành 1: nội dung (mã băm ")
    assert in_vietnamese[-1].startswith("error: 5 ")


def test_doc_show_recomputes_the_hash_and_flags_the_change(qms: Invoke, engine: Engine) -> None:
    effective_document(engine, "QT-01")
    signed = _hashes(engine)[0]
    assert f"content hash: {signed}\n" in qms("doc", "show", "QT-01").stdout
    edited = edit_body(
        engine, "QT-01", 1, "02 ngày", "20 ngày", rewrite_hash=False, rewrite_signatures=False
    )

    shown = qms("doc", "show", "QT-01")

    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    at = lines.index(f"content hash: {edited}")  # computed from the text, not the stored value
    assert lines[at + 1] == (
        f"  MISMATCH: QT-01 issue 1: its stored content hash {signed[:12]}… is not the hash of "
        f"its text ({edited[:12]}…)"
    )
    assert lines[at + 2].startswith(
        f"  MISMATCH: QT-01 issue 1: its text (hash {edited[:12]}…) is not the text the trail "
        f"recorded (hash {signed[:12]}…, event "
    )
    assert "INVALID" in lines[at + 3]
    detail = json.loads(qms("doc", "show", "QT-01", "--format", "json").stdout)
    assert detail["content_hash"] == edited
    assert [(m["what"], m["expected"], m["found"]) for m in detail["mismatches"]] == [
        ("stored_hash", edited, signed),
        ("content", signed, edited),
    ]
