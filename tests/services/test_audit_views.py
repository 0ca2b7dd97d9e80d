"""Reading an audit's checklist: the worksheet (items and findings in one read) and the
evidence files kept with the items."""

from hashlib import sha256

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import IntegrityProblem, NotFound, PermissionDenied
from qms.services import blobs
from qms.services.audits import planning as audits
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.people import users
from tests.helpers import act
from tests.services.audit_helpers import effective_procedures, plan_tp

SCAN = b"\xff\xd8 so theo doi"


@pytest.fixture
def worked(engine: Engine) -> tuple[Engine, str]:
    """An audit of TP (lead an, auditee representative mai): item 1 a major
    nonconformity with a scanned page, item 2 conforming."""
    effective_procedures(engine)
    ref = plan_tp(engine)
    act(engine, audits.start, "an", ref=ref)
    act(engine, audit_work.record, "an", ref=ref, item=1, result="NC_MAJOR",
        evidence="Sổ không cập nhật", finding="Không cập nhật danh mục",
        attachments=[("so.jpg", SCAN)])  # fmt: skip
    act(engine, audit_work.record, "an", ref=ref, item=2, result="C", evidence="Đủ")
    return engine, ref


def test_the_worksheet_reads_items_and_findings_and_narrows_to_one_item(
    worked: tuple[Engine, str],
) -> None:
    engine, ref = worked
    with read_session(engine) as session:
        mai = users.get_user(session, "mai")
        whole = audit_views.worksheet(session, viewer=mai, ref=ref.lower())
        one = audit_views.worksheet(session, viewer=mai, ref=ref, only=2)
        _, items = audit_views.checklist(session, viewer=mai, ref=ref)
    assert whole.audit.ref == ref
    assert whole.items == items
    assert [(i.number, i.result) for i in whole.items[:2]] == [(1, "NC_MAJOR"), (2, "C")]
    assert whole.items[0].attachments == [
        {"filename": "so.jpg", "sha256": sha256(SCAN).hexdigest()}
    ]
    assert [(f.item, f.grade, f.statement) for f in whole.findings] == [
        (1, "NC_MAJOR", "Không cập nhật danh mục")
    ]
    assert [i.number for i in one.items] == [2]
    assert one.findings == whole.findings


def test_the_worksheet_is_for_the_audits_readers(worked: tuple[Engine, str]) -> None:
    engine, ref = worked
    with read_session(engine) as session, pytest.raises(PermissionDenied, match="lan cannot see"):
        audit_views.worksheet(session, viewer=users.get_user(session, "lan"), ref=ref)


def test_evidence_files_go_to_readers_only_and_altered_bytes_are_refused(
    worked: tuple[Engine, str],
) -> None:
    engine, ref = worked
    key = sha256(SCAN).hexdigest()
    with read_session(engine) as session:
        mai = users.get_user(session, "mai")
        found = audit_views.evidence_file(session, viewer=mai, ref=ref, number=1, sha256=key)
        assert (found.filename, found.media_type, found.data) == ("so.jpg", "image/jpeg", SCAN)
        with pytest.raises(PermissionDenied, match="lan cannot see audits"):
            audit_views.evidence_file(
                session, viewer=users.get_user(session, "lan"), ref=ref, number=1, sha256=key
            )
        # The file belongs to item 1: asking for it under item 2 finds nothing.
        with pytest.raises(NotFound, match="item 2 of IA-2026-01 has no such attachment"):
            audit_views.evidence_file(session, viewer=mai, ref=ref, number=2, sha256=key)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE blob SET data = :d WHERE sha256 = :k"), {"d": SCAN + b"!", "k": key}
        )
    blobs.forget_cached()
    with read_session(engine) as session, pytest.raises(IntegrityProblem, match="does not match"):
        audit_views.evidence_file(
            session, viewer=users.get_user(session, "mai"), ref=ref, number=1, sha256=key
        )


def test_the_audit_list_counts_items_answers_and_findings_per_audit(
    worked: tuple[Engine, str],
) -> None:
    engine, ref = worked
    second = plan_tp(engine, departments=["VP", "MC"], auditee_rep=None, lead="binh")
    with read_session(engine) as session:
        items = len(
            audit_views.checklist(session, viewer=users.get_user(session, "an"), ref=ref)[1]
        )
        rows = audit_views.list_audits(session, viewer=users.get_user(session, "hai"))
    assert items > 2
    assert [
        (r.ref, r.status, r.departments, r.lead, r.items, r.answered, r.findings) for r in rows
    ] == [
        (ref, "in_progress", ["TP"], "an", items, 2, 1),
        (second, "planned", ["MC", "VP"], "binh", 0, 0, 0),
    ]
