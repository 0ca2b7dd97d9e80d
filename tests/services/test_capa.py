"""Nonconformity records: opening (from every source and from audit findings), who may
move them on, containment and the 5-whys root cause analysis."""

import json
from functools import partial
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    QMSError,
    ValidationError,
)
from qms.services.capa import lifecycle as capa
from qms.services.capa import views as capa_views
from qms.services.trail import chain as trail
from tests.helpers import act, refused, snapshot
from tests.services import capa_setup as cs
from tests.services.test_concurrency import race


def test_any_user_opens_a_complaint_numbered_per_year(engine: Engine) -> None:
    year = cs.today(engine).year
    first = cs.open_complaint(engine, actor="lan", clause="8.2.1")
    second = cs.open_complaint(engine, actor="hung", source="late_dossier", severity="major")
    assert (first, second) == (f"CAR-{year}-001", f"CAR-{year}-002")
    with read_session(engine) as session:
        info = capa_views.detail(session, viewer=None, ref=first.lower())
        events = trail.events(session, entity="capa", entity_id=first)
    car = info
    assert (car.status, car.source, car.severity, car.clause) == (
        "open",
        "complaint",
        "minor",
        "8.2.1",
    )
    assert (info.department, info.reported_by, info.finding) == ("MC", "lan", None)
    assert [e.action for e in events] == ["capa.open"]
    assert json.loads(events[0].payload)["new"]["status"] == "open"


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"description": "  "}, ValidationError, "describe the nonconformity"),
        ({"department": None}, ValidationError, "department of the nonconformity"),
        ({"department": "XX"}, NotFound, "no department"),
        ({"severity": "critical"}, ValidationError, "severity: major or minor"),
        ({"source": "rumour"}, ValidationError, "unknown source 'rumour'"),
        ({"source": None}, ValidationError, "give the source"),
        ({"clause": "7" * 21}, ValidationError, "longer than 20"),
        ({"finding": "IA-2026-01/1"}, ValidationError, "goes with the source audit_finding"),
    ],
)
def test_bad_input_on_open_is_refused_and_changes_nothing(
    engine: Engine, changes: dict[str, Any], error: type[QMSError], match: str
) -> None:
    kwargs: dict[str, Any] = {
        "source": "complaint",
        "description": "Hồ sơ trễ hẹn",
        "department": "MC",
        "severity": "minor",
        **changes,
    }
    refused(engine, error, capa.open_nonconformity, "lan", match, **kwargs)


def test_from_an_audit_finding_the_finding_is_copied(engine: Engine) -> None:
    audit = cs.audit_with_findings(engine)
    minor = act(engine, capa.open_nonconformity, "binh", finding=f"{audit}/1")
    major = act(
        engine,
        capa.open_nonconformity,
        "thu",
        source="audit_finding",
        finding=f"{audit.lower()}/F2",
        description="Tự mô tả",
        clause="7.5.2",
    )
    assert (minor.source, minor.severity, minor.clause) == ("audit_finding", "minor", "7.5.3")
    assert minor.description.startswith("Phát hiện 1: tài liệu lỗi thời chưa được thu hồi")
    assert "Bằng chứng 1: bản QT-01 lần 1 còn tại quầy số 1" in minor.description
    assert (major.severity, major.clause, major.description) == ("major", "7.5.2", "Tự mô tả")
    with read_session(engine) as session:
        info = capa_views.detail(session, viewer=None, ref=minor.ref)
    assert (info.finding, info.department) == (f"{audit}/1", "MC")


def test_one_corrective_action_per_finding(engine: Engine) -> None:
    audit = cs.audit_with_findings(engine)
    first = act(engine, capa.open_nonconformity, "binh", finding=f"{audit}/1").ref
    refused(
        engine,
        Conflict,
        capa.open_nonconformity,
        "an",
        f"finding {audit}/1 already has corrective action {first}",
        finding=f"{audit}/1",
    )


@pytest.mark.parametrize(
    ("actor", "finding", "error", "match"),
    [
        ("lan", "{audit}/1", PermissionDenied, "needs the auditor or controller role"),
        ("hung", "{audit}/1", PermissionDenied, "needs the auditor or controller role"),
        ("binh", None, ValidationError, "needs its finding"),
        ("binh", "{audit}/9", NotFound, "has no finding"),
        ("binh", "IA-2026-99/1", NotFound, "no audit"),
        ("binh", "{audit}", ValidationError, "is not a finding reference"),
    ],
)
def test_audit_finding_source_needs_an_auditor_and_a_real_finding(
    engine: Engine, actor: str, finding: str | None, error: type[QMSError], match: str
) -> None:
    audit = cs.audit_with_findings(engine)
    refused(
        engine,
        error,
        capa.open_nonconformity,
        actor,
        match,
        source="audit_finding",
        finding=finding.format(audit=audit) if finding else None,
    )


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("thu", True),  # controller, any department
        ("drafter2", True),
        ("quang", True),  # approver of VP, the nonconformity's department
        ("hung", True),  # reviewer of VP
        ("mai", False),  # reviewer, but of TP
        ("lan", False),  # staff
        ("binh", False),  # auditor
    ],
)
def test_department_leadership_or_a_controller_contains(
    engine: Engine, actor: str, allowed: bool
) -> None:
    ref = cs.open_complaint(engine, department="VP")
    if allowed:
        cs.contain(engine, ref, actor=actor)
        with read_session(engine) as session:
            assert capa_views.detail(session, viewer=None, ref=ref).contained_by == actor
        return
    refused(
        engine,
        PermissionDenied,
        capa.contain,
        actor,
        f"{actor} cannot record the correction of {ref}: it needs a controller, "
        "or a reviewer or approver of department VP",
        ref=ref,
        containment="Xử lý ngay",
    )


def test_containment_is_kept_apart_from_the_corrective_action(engine: Engine) -> None:
    ref = cs.open_complaint(engine)
    refused(
        engine,
        ValidationError,
        capa.contain,
        "thu",
        "describe the correction",
        ref=ref,
        containment=" ",
    )
    cs.contain(engine, ref)
    with read_session(engine) as session:
        car = capa_views.detail(session, viewer=None, ref=ref)
    assert (car.status, car.containment) == ("contained", "Gọi điện xin lỗi, trả kết quả ngay")
    assert car.root_cause == ""
    refused(
        engine,
        InvalidTransition,
        capa.contain,
        "thu",
        f"{ref} is contained; recording the correction needs it to be open",
        ref=ref,
        containment="lần hai",
    )


def test_analysis_needs_containment_first(engine: Engine) -> None:
    ref = cs.open_complaint(engine)
    before = snapshot(engine)
    with pytest.raises(
        InvalidTransition, match="is open; the cause analysis needs it to be contained"
    ):
        cs.analyse(engine, ref)
    assert snapshot(engine) == before


def test_five_whys_chain_and_similar_check_are_recorded(engine: Engine) -> None:
    ref = cs.analysed(engine)
    with read_session(engine) as session:
        info = capa_views.detail(session, viewer=None, ref=ref)
        events = trail.events(session, entity="capa", entity_id=ref)
    assert [(w.position, w.question, w.answer) for w in info.whys] == [
        (i, q, a) for i, (q, a) in enumerate(cs.WHYS, start=1)
    ]
    car = info
    assert (car.status, car.cause_category, car.similar_exist) == (
        "cause_analysed",
        "documentation",
        "possible",
    )
    assert car.similar_answer.startswith("Rà soát hồ sơ")
    assert info.analysed_by == "thu"
    analyse_event = json.loads(events[-1].payload)
    assert analyse_event["old"] == {"status": "contained"}
    assert analyse_event["new"]["whys"][0] == list(cs.WHYS[0])


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"whys": []}, "at least one"),
        ({"whys": [("Vì sao?", "Vì")] * 6}, "6 steps; at most 5"),
        ({"whys": [("Vì sao?", "Vì thế"), ("Vì sao nữa?", "  ")]}, "why 2 needs both"),
        ({"cause_category": "luck"}, "unknown cause category 'luck'"),
        ({"root_cause": ""}, "state the root cause"),
        ({"similar_exist": "maybe"}, "yes, no, possible"),
        ({"similar_exist": ""}, "yes, no, possible"),
        ({"similar_answer": " "}, "where similar nonconformities were looked for"),
    ],
)
def test_incomplete_analysis_is_refused_and_changes_nothing(
    engine: Engine, changes: dict[str, Any], match: str
) -> None:
    ref = cs.open_complaint(engine)
    cs.contain(engine, ref)
    before = snapshot(engine)
    with pytest.raises(ValidationError, match=match):
        cs.analyse(engine, ref, **changes)
    assert snapshot(engine) == before


def test_five_whys_accepts_exactly_five(engine: Engine) -> None:
    ref = cs.open_complaint(engine)
    cs.contain(engine, ref)
    cs.analyse(engine, ref, whys=[(f"Vì sao {i}?", f"Vì {i}") for i in range(5)])
    with read_session(engine) as session:
        assert len(capa_views.detail(session, viewer=None, ref=ref).whys) == 5


def test_unknown_and_malformed_references(engine: Engine) -> None:
    with read_session(engine) as session:
        with pytest.raises(NotFound, match="no corrective action CAR-2026-999"):
            capa_views.detail(session, viewer=None, ref="car-2026-999")
        with pytest.raises(ValidationError, match="like CAR-2026-001"):
            capa_views.detail(session, viewer=None, ref="CAR-26-1")


def test_list_filters_by_status_department_and_year(engine: Engine) -> None:
    first = cs.open_complaint(engine, department="MC")
    second = cs.open_complaint(engine, department="TP")
    cs.contain(engine, second)
    year = cs.today(engine).year
    with read_session(engine) as session:
        everything = [s.ref for s in capa_views.list_capas(session, viewer=None)]
        open_ = [s.ref for s in capa_views.list_capas(session, viewer=None, status="open")]
        tp = [s.ref for s in capa_views.list_capas(session, viewer=None, department="tp")]
        other_year = capa_views.list_capas(session, viewer=None, year=year - 1)
        with pytest.raises(ValidationError, match="unknown status"):
            capa_views.list_capas(session, viewer=None, status="pending")
    assert (everything, open_, tp, other_year) == ([first, second], [first], [second], [])


def test_a_year_filter_of_zero_matches_no_record_rather_than_every_one(engine: Engine) -> None:
    cs.open_complaint(engine)
    with read_session(engine) as session:
        assert capa_views.list_capas(session, viewer=None, year=0) == []


def test_reporters_at_the_same_moment_get_distinct_numbers(engine: Engine, db_url: str) -> None:
    reporters = ["lan", "hung", "mai", "binh"]
    results = race(db_url, [partial(cs.open_complaint, actor=who) for who in reporters])
    year = cs.today(engine).year
    assert sorted(results) == [f"CAR-{year}-{n:03d}" for n in range(1, 5)]
    with read_session(engine) as session:
        assert trail.verify(session).ok
