"""Quality objectives (6.2): drafting, signed approval by a leader who did not draft,
locked versions changed only with a reason; results (9.1) entered by the owner, met / not
met, the trend, and the nonconformity a result not met opens in one step."""

import json

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from qms.models import Blob
from qms.services.capa import views as capa_views
from qms.services.objectives import lifecycle, results, views
from qms.services.trail import chain as trail
from tests.helpers import act, last_event, refused, snapshot, trail_actions
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj


def test_a_leader_who_did_not_draft_it_approves_it_with_the_password(engine: Engine) -> None:
    ref = obj.draft(engine, document=None)
    assert ref == "MT-2026-01"
    before, seq = snapshot(engine, skip=("trail_event",)), last_event(engine)
    with pytest.raises(AuthenticationFailed, match="wrong password"):
        act(engine, lifecycle.approve_objectives, "hai", refs=[ref], password="not-it")
    assert snapshot(engine, skip=("trail_event",)) == before
    assert trail_actions(engine, after=seq) == ["signing.refused"]  # counts towards the lock
    refused(
        engine, PermissionDenied, lifecycle.approve_objectives, "hung", "approver role",
        refs=[ref], password=PASSWORD,
    )  # fmt: skip
    obj.approve(engine, ref, ref.lower())
    with read_session(engine) as session:
        view = views.objective_view(session, ref)
        events = trail.events(session, entity="objective", entity_id=ref)
    assert (view.status, view.version, view.approved_by, view.signature_valid) == (
        "approved",
        1,
        "hai",
        True,
    )
    assert (view.target, view.direction, view.frequency, view.owner) == (
        98.0,
        "at_least",
        "quarterly",
        "hung",
    )
    assert [e.action for e in events] == ["objective.draft", "signing.refused", "objective.approve"]


def test_nobody_approves_what_they_drafted(engine: Engine) -> None:
    ref = obj.draft(engine, actor="drafter2")
    refused(
        engine, PermissionDenied, lifecycle.approve_objectives, "drafter2", "drafted version 1",
        refs=[ref], password=PASSWORD,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("actor", "department", "allowed"),
    [("thu", "TP", True), ("mai", "TP", True), ("mai", "MC", False), ("lan", "MC", False)],
)
def test_the_coordinator_or_a_leader_of_the_department_drafts(
    engine: Engine, actor: str, department: str, allowed: bool
) -> None:
    if allowed:
        assert obj.draft(engine, actor=actor, department=department).startswith("MT-2026-")
    else:
        refused(
            engine, PermissionDenied, lifecycle.draft_objective, actor, "cannot draft",
            year=2026, department=department, **obj.ON_TIME,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"indicator": " "}, "indicator"),
        ({"target": "nhiều"}, "target must be a number"),
        ({"direction": "more"}, "direction is one of"),
        ({"frequency": "weekly"}, "frequency is one of"),
        ({"owner": "nobody"}, "no user named"),
        ({"measure": "entered", "scope_kind": "field", "scope_value": "Đất đai"}, "scope"),
        ({"year": 2099}, "year from 2000"),
    ],
)
def test_bad_objectives_are_refused_and_change_nothing(
    engine: Engine, changes: dict[str, object], match: str
) -> None:
    fields = {**obj.ON_TIME, "year": 2026, "department": "MC", **changes}
    error = NotFound if "user" in match else ValidationError
    refused(engine, error, lifecycle.draft_objective, "thu", match, **fields)


def test_an_approved_objective_is_locked_and_changes_by_a_signed_version_with_a_reason(
    engine: Engine,
) -> None:
    ref = obj.approved(engine)
    act(engine, results.record_result, "hung", ref=ref, period="2026-Q1", value="97")
    refused(
        engine, ValidationError, lifecycle.revise_objective, "thu", "reason for the new version",
        ref=ref, target=95,
    )  # fmt: skip
    version = act(
        engine, lifecycle.revise_objective, "thu", ref=ref, target=95,
        reason="Chỉ tiêu điều chỉnh theo kế hoạch CCHC",
    )  # fmt: skip
    assert (version.version, version.status) == (2, "draft")
    with read_session(engine) as session:
        shown = views.objective_view(session, ref)
    assert (shown.version, shown.status, shown.target) == (2, "draft", 95.0)
    # Version 1 stays in force (and locked) until version 2 is approved.
    act(engine, results.record_result, "hung", ref=ref, period="2026-Q2", value="96")
    obj.approve(engine, ref, actor="quang")
    act(engine, results.record_result, "hung", ref=ref, period="2026-Q3", value="96")
    with read_session(engine) as session:
        shown = views.objective_view(session, ref)
        statuses = [
            v.status for v in lifecycle.versions_of(session, lifecycle.get_objective(session, ref))
        ]
    assert statuses == ["superseded", "approved"]
    assert [(r.period, r.target, r.met, r.trend) for r in shown.results] == [
        ("2026-Q1", 98.0, False, ""),
        ("2026-Q2", 98.0, False, "worse"),
        ("2026-Q3", 95.0, True, "same"),
    ]


def test_an_approval_no_longer_holds_once_the_stored_version_is_edited(engine: Engine) -> None:
    ref = obj.approved(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE objective_version SET target = 90"))
    with read_session(engine) as session:
        assert views.objective_view(session, ref).signature_valid is False


def test_the_owner_enters_results_of_ended_periods_with_evidence(engine: Engine) -> None:
    ref = obj.approved(engine)
    refused(
        engine, PermissionDenied, results.record_result, "thu", "only its owner",
        ref=ref, period="2026-Q1", value="99",
    )  # fmt: skip
    refused(
        engine, ValidationError, results.record_result, "hung", "has not ended",
        ref=ref, period="2026-Q4", value="99",
    )  # fmt: skip
    refused(
        engine, ValidationError, results.record_result, "hung", "measured quarterly",
        ref=ref, period="2026-03", value="99",
    )  # fmt: skip
    refused(
        engine, ValidationError, results.record_result, "hung", "must be a number",
        ref=ref, period="2026-Q1", value="chín chín",
    )  # fmt: skip
    evidence = "Báo cáo quý I: 99,2% hồ sơ đúng hạn".encode()
    result = act(
        engine, results.record_result, "hung", ref=ref, period="2026-q1", value="99,2",
        comment="Đạt", evidence=evidence, evidence_name="bao-cao-q1.txt",
        evidence_type="text/plain",
    )  # fmt: skip
    assert (result.period, result.value, result.met) == ("2026-Q1", 99.2, True)
    refused(
        engine, Conflict, results.record_result, "hung", "already has a result",
        ref=ref, period="2026-Q1", value="99",
    )  # fmt: skip
    with read_session(engine) as session:
        shown = views.objective_view(session, ref).results[0]
        assert session.get(Blob, shown.evidence_sha256) is not None
        payload = json.loads(trail.events(session, entity="objective", entity_id=ref)[-1].payload)
    assert shown.evidence_name == "bao-cao-q1.txt"
    assert payload["new"]["evidence_sha256"] == shown.evidence_sha256


def test_a_result_not_met_opens_a_nonconformity_with_its_figures_once(engine: Engine) -> None:
    ref = obj.approved(engine)
    act(engine, results.record_result, "hung", ref=ref, period="2026-Q1", value="99")
    act(engine, results.record_result, "hung", ref=ref, period="2026-Q2", value="96.5")
    refused(
        engine, InvalidTransition, results.raise_nonconformity, "hung", "met its target",
        ref=ref, period="2026-Q1",
    )  # fmt: skip
    refused(
        engine, PermissionDenied, results.raise_nonconformity, "lan", "owner or a controller",
        ref=ref, period="2026-Q2",
    )  # fmt: skip
    car = act(engine, results.raise_nonconformity, "hung", ref=ref, period="2026-Q2")
    refused(
        engine, Conflict, results.raise_nonconformity, "thu", "already opened",
        ref=ref, period="2026-Q2",
    )  # fmt: skip
    with read_session(engine) as session:
        record = capa_views.detail(session, viewer=None, ref=car)
        shown = views.objective_view(session, ref)
    assert (record.source, record.department, record.clause) == ("objective_not_met", "MC", "6.2")
    assert "MT-2026-01" in record.description
    assert "96.5 %" in record.description
    assert "98 %" in record.description
    assert shown.results[1].nonconformity == car
