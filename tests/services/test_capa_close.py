"""Closing a corrective action: refused until done and verified effective, the stored
record PDF, the lock on closed records, the register, and the link to audit closure."""

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import InvalidTransition, PermissionDenied
from qms.services import blobs
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import work as audit_work
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa
from qms.services.capa import records as capa_records
from qms.services.trail import chain as trail
from tests.helpers import act, snapshot
from tests.seed import PASSWORD
from tests.services import capa_setup as cs


def _refused_close(engine: Engine, ref: str, match: str, actor: str = "thu") -> None:
    before = snapshot(engine)
    with pytest.raises(InvalidTransition, match=match):
        act(engine, capa.close, actor, ref=ref)
    assert snapshot(engine) == before


def test_closing_too_early_says_what_is_missing(engine: Engine) -> None:
    ref = cs.analysed(engine)
    _refused_close(engine, ref, "cannot be closed yet: no actions planned; no effective verif")
    cs.add_action(engine, ref, "lan")
    cs.add_action(engine, ref, "hung")
    act(engine, capa.plan, "thu", ref=ref)
    _refused_close(
        engine,
        ref,
        f"^{ref} cannot be closed yet: 2 actions not done \\(1, 2\\); no effective verification$",
    )
    cs.done(engine, ref, owners=("lan",))
    _refused_close(engine, ref, "1 action not done \\(2\\); no effective verification$")
    act(engine, capa_actions.complete_action, "hung", ref=ref, number=2)
    _refused_close(engine, ref, "cannot be closed yet: no effective verification$")
    cs.verify(engine, ref, effective=False)
    _refused_close(engine, ref, "cannot be closed yet: no effective verification$")


def test_closing_needs_leadership(engine: Engine) -> None:
    ref = cs.verified(engine)
    before = snapshot(engine)
    with pytest.raises(PermissionDenied, match="an cannot close"):
        act(engine, capa.close, "an", ref=ref)
    assert snapshot(engine) == before


def test_close_stores_the_record_pdf_and_every_step_is_on_the_trail(engine: Engine) -> None:
    ref = cs.verified(engine)
    car = act(engine, capa.close, "thu", ref=ref)
    with read_session(engine) as session:
        stored = blobs.get(session, str(car.record_sha256))
        events = trail.events(session, entity="capa", entity_id=ref)
        served_car, served = capa_records.record_pdf(session, viewer=None, ref=ref)
        english_car, english = capa_records.record_pdf(session, viewer=None, ref=ref, language="en")
    assert stored.sha256 == blobs.sha256(stored.data)
    assert stored.media_type == "application/pdf"
    assert served == stored.data  # the stored bytes, not a new rendering
    steps = [
        (
            e.action,
            json.loads(e.payload).get("old", {}).get("status"),
            json.loads(e.payload).get("new", {}).get("status"),
        )
        for e in events
        if e.action not in ("capa.action_add", "capa.action_done", "capa.render")
    ]
    assert steps == [
        ("capa.open", None, "open"),
        ("capa.contain", "open", "contained"),
        ("capa.analyse", "contained", "cause_analysed"),
        ("capa.plan", "cause_analysed", "actions_planned"),
        ("capa.actions_done", "actions_planned", "actions_done"),
        ("capa.verify", "actions_done", "verified_effective"),
        ("capa.close", "verified_effective", "closed"),
    ]
    render = json.loads(events[-1].payload)
    assert events[-1].action == "capa.render"
    assert render["new"]["record_sha256"] == car.record_sha256
    text = " ".join(cs.pdf_text(served).split())
    for expected in (
        ref,
        "Phiếu yêu cầu hành động khắc phục".upper(),
        "Vì sao không ai theo dõi?",
        "QT-01 không quy định người theo dõi thời hạn",
        "Phân công lan theo dõi thời hạn hồ sơ",
        "Trịnh Văn An",
        "Đã đóng",
    ):
        assert expected in text, expected
    assert english != served
    assert "CORRECTIVE ACTION REQUEST" in cs.pdf_text(english)
    assert served_car.status == english_car.status == "closed"


LOCKED_STEPS: list[tuple[Any, dict[str, Any]]] = [
    (capa.contain, {"containment": "Thêm"}),
    (
        capa.analyse,
        {
            "whys": cs.WHYS,
            "cause_category": "people",
            "root_cause": "x",
            "similar_exist": "no",
            "similar_answer": "x",
        },
    ),
    (capa.plan, {}),
    (capa.close, {}),
    (capa_actions.add_action, {"description": "Thêm", "owner": "lan", "due_date": None}),
    (capa_actions.complete_action, {"number": 1}),
    (capa_actions.verify, {"effective": True, "evidence": "x", "password": PASSWORD}),
]


def test_a_closed_record_is_locked(engine: Engine) -> None:
    ref = cs.verified(engine)
    act(engine, capa.close, "thu", ref=ref)
    before = snapshot(engine)
    for func, kwargs in LOCKED_STEPS:
        with pytest.raises(InvalidTransition, match=f"^{ref} is closed and locked$"):
            act(engine, func, "thu", ref=ref, **kwargs)
    assert snapshot(engine) == before


def test_record_in_progress_renders_fresh(engine: Engine) -> None:
    ref = cs.planned(engine)
    with read_session(engine) as session:
        car, data = capa_records.record_pdf(session, viewer=None, ref=ref, language="en")
        record = capa_records.record_data(session, car, language="en")
    text = " ".join(cs.pdf_text(data).split())
    assert car.record_sha256 is None
    assert ref in text
    assert "Actions planned" in text
    assert [a.owner for a in record.actions] == ["Nguyễn Thị Lan", "Phạm Văn Hùng"]
    assert (record.source, record.severity, record.cause_category) == (
        "Citizen complaint",
        "Minor",
        "Documentation",
    )


def test_register_counts_age_and_overdue_actions(engine: Engine) -> None:
    late = cs.planned(engine, owners=("lan", "hung"))
    fresh = cs.open_complaint(engine, department="TP", severity="major")
    cs.pass_days(engine, "capa_action", "due_date", 20)
    with read_session(engine) as session:
        register = capa_records.register_data(session, language="vi")
        pdf = capa_records.register_pdf(session, viewer=None, language="vi")
    rows = {r.ref: r for r in register.rows}
    assert [r.ref for r in register.rows] == [late, fresh]
    assert (rows[late].open_actions, rows[late].overdue_actions) == (2, 2)
    assert (rows[fresh].open_actions, rows[fresh].overdue_actions, rows[fresh].age_days) == (
        0,
        0,
        0,
    )
    assert (rows[fresh].severity, rows[fresh].department) == ("Nặng", "TP")
    text = " ".join(cs.pdf_text(pdf).split())
    assert late in text
    assert fresh in text


def test_age_runs_to_today_or_to_closure(engine: Engine) -> None:
    closed = cs.verified(engine)
    act(engine, capa.close, "thu", ref=closed)
    still_open = cs.open_complaint(engine)
    later = cs.today(engine) + timedelta(days=40)
    with read_session(engine) as session:
        ages = [
            capa_records.age_days(session, capa_records.get_capa(session, ref), later)
            for ref in (closed, still_open)
        ]
    assert ages == [0, 40]


def test_an_audit_closes_once_every_finding_has_a_corrective_action(engine: Engine) -> None:
    audit = cs.audit_with_findings(engine)
    with read_session(engine) as session:
        count = len(audits.items_of(session, audits.get_audit(session, audit)))
    for number in range(3, count + 1):
        act(engine, audit_work.record, "binh", ref=audit, item=number, result="C")
    act(engine, audits.conclude, "binh", ref=audit, conclusions="Hệ thống cơ bản phù hợp")
    act(engine, audit_reports.report, "binh", ref=audit, password=PASSWORD)
    act(engine, audit_reports.sign, "lan", ref=audit, password=PASSWORD)
    act(engine, capa.open_nonconformity, "binh", finding=f"{audit}/1")
    before = snapshot(engine)
    with pytest.raises(InvalidTransition, match="findings without a corrective action: F2"):
        act(engine, audit_reports.close, "binh", ref=audit)
    assert snapshot(engine) == before
    act(engine, capa.open_nonconformity, "an", finding=f"{audit}/2")
    closed = act(engine, audit_reports.close, "binh", ref=audit)
    assert closed.status == "closed"
