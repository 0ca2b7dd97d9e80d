"""Internal audits: planning, independence, the frozen checklist, results and findings,
the report and its lock, signatures, reopening and closing."""

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session
from qms.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from qms.models import Blob, ChecklistAttachment
from qms.services import blobs
from qms.services.audits import checklists
from qms.services.audits import planning as audits
from qms.services.audits import records as audit_records
from qms.services.audits import reports as audit_reports
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.documents import register as documents
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from tests.helpers import act, new_draft, refused, refused_signature, revise, to_effective
from tests.seed import PASSWORD
from tests.services.audit_helpers import (
    END,
    START,
    add_person,
    answer_all,
    effective_procedures,
    item_numbers,
    plan_tp,
)


@pytest.fixture
def procedures(engine: Engine) -> Engine:
    effective_procedures(engine)
    return engine


def test_plan_numbers_per_year_and_keeps_the_exact_issue(procedures: Engine) -> None:
    engine = procedures
    first = plan_tp(engine, clauses=["7.5", "8.2", "9.1"], procedures=["QT-01", "qt-02"])
    second = plan_tp(engine, actor="an")
    later = plan_tp(
        engine,
        planned_start=date(2027, 3, 1),
        planned_end=date(2027, 3, 2),
        audit_type="follow-up",
        follows="ia-2026-02",
    )
    assert (first, second, later) == ("IA-2026-01", "IA-2026-02", "IA-2027-01")
    revise(engine, "QT-01")
    to_effective(engine, "QT-01")  # issue 2 takes effect after planning
    with read_session(engine) as session:
        audit = audits.get_audit(session, "ia-2026-01")
        assert audit.status == "planned"
        follow_up = audits.get_audit(session, later)
        assert follow_up.audit_type == "follow_up"
        assert follow_up.follows_audit_id == audits.get_audit(session, second).id
        criteria = audits.criteria_of(session, audit)
        assert [c.clause for c in criteria if c.kind == "clause"] == ["7.5", "8.2", "9.1"]
        assert [f"{d.code}/{r.issue}" for d, r in audits.procedure_criteria(session, audit)] == [
            "QT-01/1",
            "QT-02/1",
        ]
        assert [d.code for d in audits.departments_of(session, audit)] == ["TP"]
        assert [(u.username, role) for u, role in audits.members_of(session, audit)] == [
            ("an", "lead")
        ]
        event = trail.events(session, entity="audit", entity_id="IA-2026-01")[0]
        assert event.action == "audit.plan"
        assert '"procedures":["QT-01/1","QT-02/1"]' in event.payload


def test_bad_plans_are_refused_and_change_nothing(procedures: Engine) -> None:
    engine = procedures
    new_draft(engine, "QT-09")
    base = {
        "departments": ["TP"],
        "clauses": ["7.5"],
        "procedures": ["QT-01"],
        "lead": "an",
        "team": [],
        "auditee_rep": "mai",
        "planned_start": START,
        "planned_end": END,
        "objectives": "Mục tiêu",
    }
    cases = [
        ({"clauses": ["7.5", "11.4"]}, ValidationError, "unknown ISO 9001 clause 11.4"),
        ({"clauses": ["bảy"]}, ValidationError, "not an ISO 9001 clause number"),
        ({"procedures": ["QT-09"]}, ValidationError, "QT-09 has no effective issue"),
        ({"procedures": ["QT-77"]}, NotFound, "no document with code QT-77"),
        ({"lead": "hung"}, PermissionDenied, "hung cannot be lead auditor: it needs the auditor"),
        ({"team": ["lan"]}, PermissionDenied, "lan cannot be on the audit team"),
        ({"lead": "binh"}, PermissionDenied, "binh belongs to TP, which this audit covers"),
        ({"team": ["binh"]}, PermissionDenied, "binh belongs to TP, which this audit covers"),
        ({"auditee_rep": "hung"}, ValidationError, "hung must belong to an audited department"),
        ({"planned_end": date(2026, 11, 1)}, ValidationError, "planned end is before"),
        ({"objectives": "  "}, ValidationError, "needs objectives"),
        ({"clauses": [], "procedures": []}, ValidationError, "needs criteria"),
        ({"audit_type": "follow_up"}, ValidationError, "names the audit it follows up"),
    ]
    for change, error, match in cases:
        refused(engine, error, audits.plan, "thu", match, **{**base, **change})
    refused(engine, PermissionDenied, audits.plan, "lan", "lan cannot plan audits", **base)


def test_auditors_cannot_audit_procedures_they_drafted_or_approved(procedures: Engine) -> None:
    engine = procedures
    add_person(engine, "kiem", "VP", ["auditor", "controller"])
    add_person(engine, "duyet", "VP", ["auditor", "approver"])
    new_draft(engine, "QT-03", drafter="kiem", title="Quy trình tiếp nhận")
    to_effective(engine, "QT-03", drafter="kiem", approver="duyet")
    refused(
        engine,
        PermissionDenied,
        audits.plan,
        "thu",
        "kiem drafted QT-03 issue 1, which this audit uses as a criterion",
        departments=["TP"],
        clauses=[],
        procedures=["QT-03"],
        lead="kiem",
        team=[],
        planned_start=START,
        planned_end=END,
        objectives="Mục tiêu",
    )
    ref = plan_tp(engine, procedures=["QT-01", "QT-03"])
    refused(
        engine,
        PermissionDenied,
        audits.assign,
        "an",
        "duyet approved QT-03 issue 1, which this audit uses",
        ref=ref,
        username="duyet",
    )
    other = plan_tp(engine, procedures=["QT-01"])
    act(engine, audits.assign, "an", ref=other, username="duyet")
    refused(
        engine, PermissionDenied, audits.assign, "lan", "needs the controller or admin", ref=other,
        username="kiem",
    )  # fmt: skip
    # The scope is checked again at the start: duyet has since moved to TP.
    with procedures.begin() as connection:
        connection.execute(
            text(
                "UPDATE app_user SET department_id = (SELECT id FROM department WHERE code = 'TP') "
                "WHERE username = 'duyet'"
            )
        )
    refused(engine, PermissionDenied, audits.start, "an", "duyet belongs to TP", ref=other)


def test_start_freezes_the_checklist_and_grades(procedures: Engine, tmp_path: Path) -> None:
    engine = procedures
    ref = plan_tp(engine, clauses=["7.5"], procedures=["QT-02"], departments=["TP", "VP"],
                  auditee_rep="mai")  # fmt: skip
    refused(engine, PermissionDenied, audits.start, "thu", "only the lead auditor", ref=ref)
    refused(engine, InvalidTransition, audit_work.record, "an", "IA-2026-01 is planned; it must be in progress to have results",
            ref=ref, item=1, result="C")  # fmt: skip
    library = tmp_path / "library.yaml"
    shutil.copyfile(checklists.default_library_path(), library)
    act(engine, audits.start, "an", ref=ref, library=library)
    with read_session(engine) as session:
        audit = audits.get_audit(session, ref)
        items = audits.items_of(session, audit)
        assert audit.status == "in_progress"
        assert audit.actual_start == organisation.today(session)
        assert audit.checklist_source == checklists.load_library(library).source
        assert audit.checklist_source.startswith("library.yaml@")
        assert [g.code for g in checklists.load_grades(audit.grades)] == [
            "C", "NC_MAJOR", "NC_MINOR", "OBS", "OFI"
        ]  # fmt: skip
        library_items = [i for i in items if i.source == "library"]
        assert len(library_items) == 2 * (2 + 4 + 5)  # 7.5.1-7.5.3, once per department
        assert {i.clause for i in library_items} == {"7.5.1", "7.5.2", "7.5.3"}
        generated = [i.question_key for i in items if i.source == "procedure"]
        assert generated == [
            "QT-02/1:step-01",
            "QT-02/1:step-02",
            "QT-02/1:current",
            "QT-02/1:form-BM-02-01",
            "QT-02/1:form-BM-02-02",
        ]
        assert "Is step '2.1 Lập hồ sơ' of QT-02 issue 1 carried out" in items[22].question_en
        first_question = items[0].question_vi
    # Later edits of the library (and of the grades setting) change no started audit.
    library.write_text(
        library.read_text(encoding="utf-8").replace(first_question[:40], "ĐÃ SỬA " + first_question[:33]),
        encoding="utf-8",
    )  # fmt: skip
    edited = checklists.expand(checklists.load_library(library), "7.5.1")[0].questions[0]
    assert edited.vi.startswith("ĐÃ SỬA")
    act(
        engine,
        checklists.set_grades,
        "thu",
        grades_json='[{"code": "OK", "vi": "Đạt", "en": "Pass", "nonconformity": false},'
        '{"code": "NC", "vi": "Không đạt", "en": "Fail", "nonconformity": true}]',
    )
    second = plan_tp(engine, clauses=["7.5"], procedures=[])
    act(engine, audits.start, "an", ref=second, library=library)
    with read_session(engine) as session:
        old = audits.items_of(session, audits.get_audit(session, ref))
        new = audits.items_of(session, audits.get_audit(session, second))
        assert old[0].question_vi == first_question
        assert new[0].question_vi.startswith("ĐÃ SỬA")
        assert (
            audits.get_audit(session, ref).checklist_source
            != audits.get_audit(session, second).checklist_source
        )
    refused(engine, ValidationError, audit_work.record, "an",
            "result 'OK' is not one of C, NC_MAJOR, NC_MINOR, OBS, OFI",
            ref=ref, item=1, result="OK")  # fmt: skip
    act(engine, audit_work.record, "an", ref=second, item=1, result="ok")


def test_recording_results_and_findings(procedures: Engine) -> None:
    engine = procedures
    ref = plan_tp(engine)
    act(engine, audits.start, "an", ref=ref)
    bad = [
        ("binh", {"result": "C"}, PermissionDenied, "only the audit team"),
        ("an", {"result": "NC_BIG"}, ValidationError, "result 'NC_BIG' is not one of C, NC_MAJOR"),
        ("an", {"result": "OBS"}, ValidationError, "OBS result needs objective evidence"),
        ("an", {"result": "NC_MAJOR", "evidence": "x"}, ValidationError, "needs a finding"),
        ("an", {"result": "C", "department": "MC"}, ValidationError, "MC is not in the scope"),
        ("an", {"result": "C", "attachments": [("big.jpg", b"x" * (10 * 1024 * 1024 + 1))]},
         ValidationError, "big.jpg is larger than the 10 MB limit"),
    ]  # fmt: skip
    for actor, change, error, match in bad:
        refused(engine, error, audit_work.record, actor, match, ref=ref, item=1, **change)
    refused(engine, NotFound, audit_work.record, "an", "has no checklist item 99", ref=ref,
            item=99, result="C")  # fmt: skip
    act(engine, audit_work.record, "an", ref=ref, item=1, result="nc_major",
        evidence="Sổ theo dõi không cập nhật", finding="Không cập nhật danh mục tài liệu",
        attachments=[("C:\\scan\\so.jpg", b"\xff\xd8anh")])  # fmt: skip
    act(engine, audit_work.record, "an", ref=ref, item=2, result="NC_MINOR",
        evidence="Thiếu chữ ký", finding="Phiếu đề nghị thiếu chữ ký")  # fmt: skip
    with read_session(engine) as session:
        found = audit_views.findings(session, viewer=users.get_user(session, "thu"), ref=ref)
        assert [(f.label, f.grade, f.clause, f.department, f.item) for f in found] == [
            ("IA-2026-01 / F1", "NC_MAJOR", "7.5.1", "TP", 1),
            ("IA-2026-01 / F2", "NC_MINOR", "7.5.1", "TP", 2),
        ]
        assert found[0].evidence == "Sổ theo dõi không cập nhật"
        finding = audits.get_finding(session, ref="ia-2026-01", number=2)
        assert audits.finding_label(session, finding) == "IA-2026-01 / F2"
        attachment = session.exec(select(ChecklistAttachment)).one()
        assert attachment.filename == "so.jpg"
        assert blobs.get(session, attachment.blob_sha256).data == b"\xff\xd8anh"
        with pytest.raises(NotFound, match="has no finding F7"):
            audits.get_finding(session, ref=ref, number=7)
    # Re-grading a nonconformity as anything else removes its finding.
    act(engine, audit_work.record, "an", ref=ref, item=1, result="OFI", evidence="Nên số hoá")
    act(engine, audit_work.record, "an", ref=ref, item=3, result="NC_MINOR",
        evidence="Bản in cũ", finding="Còn bản lỗi thời")  # fmt: skip
    with read_session(engine) as session:
        audit = audits.get_audit(session, ref)
        assert [(f.number, f.grade) for f in audits.findings_of(session, audit)] == [
            (2, "NC_MINOR"),
            (3, "NC_MINOR"),
        ]
        assert session.get(Blob, attachment.blob_sha256) is not None
        actions = [e.action for e in trail.events(session, entity="audit", entity_id=ref)]
        assert actions == ["audit.plan", "audit.start"] + ["audit.record"] * 4
        assert '"deleted":true' in trail.events(session, entity="audit")[-2].payload


def test_report_locks_the_audit_until_reopened(procedures: Engine) -> None:
    engine = procedures
    ref = plan_tp(engine)
    act(engine, audits.start, "an", ref=ref)
    answer_all(engine, ref, skip=(1, 2))
    act(engine, audit_work.record, "an", ref=ref, item=1, result="NC_MAJOR",
        evidence="Không có sổ", finding="Không lập sổ theo dõi tài liệu")  # fmt: skip
    refused(engine, ValidationError, audit_reports.report, "an", "1 of 5 checklist items",
            ref=ref, password=PASSWORD, conclusions="Kết luận")  # fmt: skip
    act(engine, audit_work.record, "an", ref=ref, item=2, result="OBS", evidence="Nên rà soát")
    refused(engine, ValidationError, audit_reports.report, "an", "needs conclusions",
            ref=ref, password=PASSWORD)  # fmt: skip
    refused_signature(engine, audit_reports.report, "an", ref=ref, password="nope",
                      conclusions="Kết luận")  # fmt: skip
    refused(engine, PermissionDenied, audit_reports.report, "thu", "only the lead auditor",
            ref=ref, password=PASSWORD, conclusions="Kết luận")  # fmt: skip
    act(engine, audit_reports.report, "an", ref=ref, password=PASSWORD,
        conclusions="HTQLCL được duy trì; cần khắc phục F1.")  # fmt: skip
    with read_session(engine) as session:
        audit = audits.get_audit(session, ref)
        assert audit.status == "reported"
        assert audit.actual_end == organisation.today(session)
        stored = blobs.get(session, str(audit.report_sha256)).data
        assert blobs.sha256(stored) == audit.report_sha256
        views = audit_records.signatures_of(session, audit)
        assert [(v.signature.meaning, v.username, v.valid) for v in views] == [
            ("lead_auditor", "an", True)
        ]
        event = trail.events(session, entity="audit", entity_id=ref)[-1]
        assert event.action == "audit.report"
        assert str(audit.report_sha256) in event.payload
    pdf_text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(stored)).pages
    )
    assert "IA-2026-01" in pdf_text
    assert "Không lập sổ theo dõi tài liệu" in pdf_text

    locked = "IA-2026-01 is reported and locked; reopen it to change it"
    refused(engine, InvalidTransition, audit_work.record, "an", locked, ref=ref, item=3,
            result="C")  # fmt: skip
    refused(engine, InvalidTransition, audits.conclude, "an", locked, ref=ref, conclusions="x")
    refused(engine, InvalidTransition, audits.assign, "thu", locked, ref=ref, username="binh")
    refused(engine, InvalidTransition, audit_reports.close, "an", "mai has not signed", ref=ref)
    refused(engine, PermissionDenied, audit_reports.sign, "binh", "only the auditee", ref=ref,
            password=PASSWORD)  # fmt: skip
    refused_signature(engine, audit_reports.sign, "mai", ref=ref, password="x")
    act(engine, audit_reports.sign, "mai", ref=ref, password=PASSWORD)
    refused(engine, Conflict, audit_reports.sign, "mai", "already signed", ref=ref,
            password=PASSWORD)  # fmt: skip
    refused(engine, InvalidTransition, audit_reports.close, "an",
            "findings without a corrective action: F1", ref=ref)  # fmt: skip
    with read_session(engine) as session:
        audit = audits.get_audit(session, ref)
        assert audit.report_sha256 != blobs.sha256(stored)  # re-rendered with both signatures
        event = trail.events(session, entity="audit", entity_id=ref)[-1]
        assert event.action == "audit.sign"
        assert blobs.sha256(stored) in event.payload
        assert str(audit.report_sha256) in event.payload

    refused(engine, ValidationError, audit_reports.reopen, "an", "give the reason", ref=ref,
            reason=" ")  # fmt: skip
    refused(engine, PermissionDenied, audit_reports.reopen, "mai", "only the lead", ref=ref,
            reason="x")  # fmt: skip
    act(engine, audit_reports.reopen, "an", ref=ref, reason="Bổ sung bằng chứng mục 3")
    act(engine, audit_work.record, "an", ref=ref, item=3, result="OFI", evidence="Có thể số hoá")
    with read_session(engine) as session:
        audit = audits.get_audit(session, ref)
        assert audit.status == "in_progress"
        views = audit_records.signatures_of(session, audit)
        assert [(v.signature.meaning, v.valid) for v in views] == [
            ("lead_auditor", False),
            ("auditee", False),
        ]
        reopen_event = trail.events(session, entity="audit", entity_id=ref)[-2]
        assert reopen_event.action == "audit.reopen"
        assert "Bổ sung bằng chứng mục 3" in reopen_event.payload
        assert trail.verify(session).ok


def test_an_audit_without_nonconformities_closes(procedures: Engine) -> None:
    engine = procedures
    ref = plan_tp(engine, auditee_rep=None)
    refused(engine, InvalidTransition, audit_reports.close, "an", "only a reported audit", ref=ref)
    act(engine, audits.start, "an", ref=ref)
    answer_all(engine, ref)
    act(engine, audits.conclude, "an", ref=ref, conclusions="Phù hợp", distribution=["Lãnh đạo"])
    act(engine, audit_reports.report, "an", ref=ref, password=PASSWORD)
    refused(engine, PermissionDenied, audit_reports.close, "thu", "only the lead", ref=ref)
    act(engine, audit_reports.close, "an", ref=ref)
    with read_session(engine) as session:
        audit = audits.get_audit(session, ref)
        assert (audit.status, audit.closed_at is not None) == ("closed", True)
        report = audit_records.report_data(session, audit)
        assert report.distribution == ("Lãnh đạo",)
        assert [(c.code, c.count) for c in report.grade_counts] == [
            ("C", 5), ("NC_MAJOR", 0), ("NC_MINOR", 0), ("OBS", 0), ("OFI", 0)
        ]  # fmt: skip
        assert [s.meaning for s in report.signatures] == ["lead_auditor"]
    refused(engine, InvalidTransition, audit_reports.reopen, "an", "only a reported audit",
            ref=ref, reason="x")  # fmt: skip
    refused(engine, InvalidTransition, audit_work.record, "an", "IA-2026-01 is closed and locked",
            ref=ref, item=1, result="C")  # fmt: skip


def test_report_data_in_both_languages(procedures: Engine) -> None:
    engine = procedures
    ref = plan_tp(engine, clauses=["7.5", "8.2.1"], procedures=["QT-02"])
    act(engine, audits.start, "an", ref=ref)
    act(engine, audit_work.record, "an", ref=ref, item=1, result="OBS", evidence="Ghi chú")
    with read_session(engine) as session:
        audit = audits.get_audit(session, ref)
        vi = audit_records.report_data(session, audit)
        en = audit_records.report_data(session, audit, language="en")
    assert vi.criteria[:2] == (
        "TCVN ISO 9001:2015 7.5 Thông tin dạng văn bản",
        "TCVN ISO 9001:2015 8.2.1 Trao đổi thông tin với khách hàng",
    )
    assert en.criteria[0] == "ISO 9001:2015 7.5 Documented information"
    assert vi.processes == ("QT-02 Quy trình kiểm soát hồ sơ (lần ban hành 1)",)
    assert en.processes == ("QT-02 Quy trình kiểm soát hồ sơ (issue 1)",)
    assert vi.departments == ("TP – Phòng Tư pháp",)
    assert (vi.status, vi.lead_auditor, vi.auditee_rep) == (
        "in_progress", "Trịnh Văn An", "Đỗ Thị Thanh Mai"
    )  # fmt: skip
    assert [o.number for o in vi.other_results] == [1]
    assert en.other_results[0].result == "Observation"
    assert vi.distribution == (
        "Trịnh Văn An – Trưởng đoàn đánh giá",
        "Đỗ Thị Thanh Mai – Đại diện bên được đánh giá",
        "Đại diện lãnh đạo",
    )
    assert [(s.meaning, s.signed_at) for s in vi.signatures] == [
        ("lead_auditor", None), ("auditee", None)
    ]  # fmt: skip
    assert len(vi.checklist) == len(item_numbers(engine, ref))


def test_who_may_see_audits(procedures: Engine) -> None:
    engine = procedures
    ref = plan_tp(engine)
    with read_session(engine) as session:
        for name in ("thu", "hai", "binh", "admin", "mai"):
            viewer = users.get_user(session, name)
            assert audit_views.detail(session, viewer=viewer, ref=ref).ref == ref
        assert [a.ref for a in audit_views.list_audits(session, viewer=users.get_user(
            session, "hai"), year=2026)] == [ref]  # fmt: skip
        with pytest.raises(PermissionDenied, match="lan cannot see audits"):
            audit_views.list_audits(session, viewer=users.get_user(session, "lan"))
        with pytest.raises(PermissionDenied, match="lan cannot see audits"):
            audit_views.detail(session, viewer=users.get_user(session, "lan"), ref=ref)
        with pytest.raises(PermissionDenied, match="hung cannot see audits"):
            audit_views.list_audits(session, viewer=users.get_user(session, "hung"))
        assert documents.get_document(session, "QT-01").code == "QT-01"
