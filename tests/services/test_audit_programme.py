"""The yearly audit programme: frequencies weighted by importance and past results, and
the coverage of clauses and departments."""

import json
from datetime import date

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import NotFound, PermissionDenied, ValidationError
from qms.services.audits import planning as audits
from qms.services.audits import programme as audit_programme
from qms.services.audits import work as audit_work
from qms.services.people import users
from qms.services.trail import chain as trail
from tests.helpers import act, refused
from tests.services.audit_helpers import effective_procedures, plan_tp


def past_audit(engine: Engine, department: str, grades: list[str]) -> None:
    """A 2025 audit of ``department`` with one finding per grade."""
    lead, rep = ("an", "mai") if department == "TP" else ("binh", "lan")
    ref = plan_tp(
        engine,
        departments=[department],
        lead=lead,
        auditee_rep=rep,
        clauses=["7.5"],
        procedures=[],
        planned_start=date(2025, 5, 1),
        planned_end=date(2025, 5, 2),
    )
    act(engine, audits.start, lead, ref=ref)
    for number, grade in enumerate(grades, start=1):
        act(engine, audit_work.record, lead, ref=ref, item=number, result=grade,
            evidence="Bằng chứng", finding=f"Phát hiện {number}")  # fmt: skip


def test_frequency_follows_importance_and_last_years_results(engine: Engine) -> None:
    effective_procedures(engine)
    refused(engine, NotFound, audit_programme.set_entry, "binh", "no audit programme for 2026",
            year=2026, department="TP", processes=[], clauses=["7.5"], importance="low")  # fmt: skip
    refused(engine, PermissionDenied, audit_programme.set_programme, "lan", "cannot set the audit",
            year=2026, objectives="x")  # fmt: skip
    act(engine, audit_programme.set_programme, "thu", year=2026, objectives="Toàn bộ HTQLCL")
    past_audit(engine, "TP", ["NC_MAJOR"])
    past_audit(engine, "MC", ["NC_MINOR", "NC_MINOR", "NC_MINOR"])
    entry = act(engine, audit_programme.set_entry, "binh", year=2026, department="TP",
                processes=["QT-01"], clauses=["7.5", "8.5"], importance="medium")  # fmt: skip
    assert entry.frequency == 2
    assert entry.rationale == (
        "mức độ quan trọng trung bình: 1 lần/năm; "
        "+1: 1 điểm không phù hợp nặng năm 2025 (IA-2025-01 / F1)"
    )
    minor = act(engine, audit_programme.set_entry, "binh", year=2026, department="MC",
                processes=[], clauses=["8.2"], importance="high", months=[2, 6, 10])  # fmt: skip
    assert (minor.frequency, json.loads(minor.months)) == (3, [2, 6, 10])
    assert minor.rationale.endswith("+1: 3 điểm không phù hợp nhẹ năm 2025")
    plain = act(engine, audit_programme.set_entry, "binh", year=2026, department="VP",
                processes=[], clauses=["9"], importance="low")  # fmt: skip
    assert (plain.frequency, plain.rationale) == (1, "mức độ quan trọng thấp: 1 lần/năm")
    base = {"year": 2026, "department": "VP", "processes": [], "clauses": ["9"]}
    for change, match in [
        ({"importance": "urgent"}, "must be high, medium or low"),
        ({"importance": "low", "clauses": ["12"]}, "unknown ISO 9001 clause 12"),
        ({"importance": "low", "months": [1, 7]}, "give 1 months, not 2"),
        ({"importance": "low", "months": [13]}, "months are 1 to 12"),
        ({"importance": "low", "clauses": []}, "needs clauses or processes"),
    ]:
        refused(engine, ValidationError, audit_programme.set_entry, "binh", match,
                **{**base, **change})  # fmt: skip
    with read_session(engine) as session:
        actions = [e.action for e in trail.events(session, entity="audit_programme")]
        assert actions == ["programme.set"] + ["programme.entry"] * 3


def test_coverage_shows_what_no_audit_reaches(engine: Engine) -> None:
    effective_procedures(engine)
    act(engine, audit_programme.set_programme, "thu", year=2026, objectives="Toàn bộ HTQLCL")
    act(engine, audit_programme.set_entry, "thu", year=2026, department="TP",
        processes=["QT-01"], clauses=["7.5"], importance="high")  # fmt: skip
    first = plan_tp(engine, clauses=["7.5.3", "8.2"])
    second = plan_tp(engine, departments=["MC"], lead="binh", auditee_rep="lan", clauses=["10"])
    with read_session(engine) as session:
        audit = audits.get_audit(session, first)
        assert audit.programme_entry_id is not None  # it carries out the TP line
        result = audit_programme.coverage(session, year=2026)
        with pytest.raises(PermissionDenied):
            audit_programme.coverage(session, year=2026, viewer=users.get_user(session, "lan"))
    clauses = {c.clause: c for c in result.clauses}
    assert (clauses["7.5.1"].planned, clauses["7.5.1"].audits) == (True, [])
    assert (clauses["7.5.3"].planned, clauses["7.5.3"].audits) == (True, [f"{first} (planned)"])
    assert (clauses["8.2.4"].planned, clauses["8.2.4"].audits) == (False, [f"{first} (planned)"])
    assert clauses["10.2"].audits == [f"{second} (planned)"]
    assert "7.5.1" in result.unreached_clauses
    assert "8.2.1" not in result.unreached_clauses
    departments = {d.code: d for d in result.departments}
    assert (departments["TP"].planned, departments["TP"].frequency) == (True, 2)
    assert departments["MC"].audits == [f"{second} (planned)"]
    assert result.unreached_departments == ["VP"]
    assert result.objectives == "Toàn bộ HTQLCL"
