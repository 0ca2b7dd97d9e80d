"""Corrective actions: owners and due dates, the document revision an action raises,
completion, effectiveness verification, and overdue lists."""

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    QMSError,
    ValidationError,
)
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa
from qms.services.capa import views as capa_views
from qms.services.documents import renditions, revisions
from qms.services.people import organisation
from qms.services.trail import chain as trail
from tests.helpers import act, effective_document, refused, refused_signature, snapshot
from tests.seed import PASSWORD
from tests.services import capa_setup as cs

# ------------------------------------------------------------------------------ planning


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"owner": None}, ValidationError, "every action needs an owner"),
        ({"owner": ""}, ValidationError, "every action needs an owner"),
        ({"owner": "nobody"}, NotFound, "no user named 'nobody'"),
        ({"due_date": None}, ValidationError, "every action needs a due date"),
        ({"due_date": -1}, ValidationError, "is in the past"),
        ({"description": " "}, ValidationError, "describe the action"),
        ({"document": "QT-99"}, NotFound, "no document with code QT-99"),
    ],
)
def test_an_action_needs_owner_and_a_due_date_not_in_the_past(
    engine: Engine, changes: dict[str, Any], error: type[QMSError], match: str
) -> None:
    ref = cs.analysed(engine)
    kwargs: dict[str, Any] = {
        "description": "Phân công theo dõi",
        "owner": "lan",
        "due_date": cs.due(engine),
        **changes,
    }
    if kwargs["due_date"] == -1:
        kwargs["due_date"] = cs.today(engine) - timedelta(days=1)
    refused(engine, error, capa_actions.add_action, "thu", match, ref=ref, **kwargs)


def test_due_today_is_accepted_and_actions_are_numbered(engine: Engine) -> None:
    ref = cs.analysed(engine)
    assert cs.add_action(engine, ref, "lan", due_date=cs.today(engine)) == 1
    assert cs.add_action(engine, ref, "hung") == 2


def test_plan_needs_an_action_and_leadership(engine: Engine) -> None:
    ref = cs.analysed(engine)
    refused(engine, ValidationError, capa.plan, "thu", "has no actions yet", ref=ref)
    cs.add_action(engine, ref, "lan")
    refused(engine, PermissionDenied, capa.plan, "lan", "lan cannot plan the actions of", ref=ref)
    act(engine, capa.plan, "thu", ref=ref)
    with read_session(engine) as session:
        events = trail.events(session, entity="capa", entity_id=ref)
    assert json.loads(events[-1].payload) == {
        "old": {"status": "cause_analysed"},
        "new": {"status": "actions_planned", "actions": [1]},
    }


def test_actions_only_while_planning(engine: Engine) -> None:
    ref = cs.open_complaint(engine)
    refused(
        engine,
        InvalidTransition,
        capa_actions.add_action,
        "thu",
        "is open; adding an action needs it to be cause analysed or actions planned",
        ref=ref,
        description="Sớm quá",
        owner="lan",
        due_date=cs.due(engine),
    )


def test_an_action_that_changes_a_procedure_raises_its_next_issue(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    ref = cs.analysed(engine)
    cs.add_action(engine, ref, "lan")
    number = cs.add_action(
        engine, ref, "thu", description="Bổ sung bước theo dõi thời hạn", document="qt-01"
    )
    with read_session(engine) as session:
        draft = revisions.detail(session, viewer=None, code="QT-01", issue=None)
        thu_view = revisions.detail(session, viewer=_user(session, "thu"), code="QT-01", issue=2)
        info = capa_views.detail(session, viewer=None, ref=ref)
    assert draft.revision.issue == 1
    assert draft.capa_ref is None
    rev = thu_view.revision
    assert (rev.status, thu_view.drafted_by, thu_view.capa_ref) == ("draft", "thu", ref)
    assert rev.reason == (
        f"Hành động khắc phục {ref} (hành động {number}): Bổ sung bước theo dõi thời hạn"
    )
    assert rev.body == draft.revision.body  # starts from the effective text
    assert info.actions[1].document_change == "QT-01 issue 2 (draft)"
    assert info.actions[0].document_change is None


def _user(session: Any, username: str) -> Any:
    from qms.services.people import users

    return users.get_user(session, username)


def test_the_reason_for_change_keeps_citing_the_corrective_action(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    ref = cs.analysed(engine)
    cs.add_action(engine, ref, "thu", description="Sửa QT-01", document="QT-01")
    refused(
        engine,
        ValidationError,
        revisions.revise,
        "thu",
        f"QT-01 issue 2 was raised by corrective action {ref}; its reason for change must cite",
        code="QT-01",
        reason="Cập nhật chung",
    )
    act(engine, revisions.revise, "thu", code="QT-01", reason=f"Khắc phục theo phiếu {ref}")
    act(engine, revisions.revise, "thu", code="QT-01", body="# 1. Mục đích\n\nMới.\n")
    with read_session(engine) as session:
        info = revisions.detail(session, viewer=_user(session, "thu"), code="QT-01", issue=2)
    assert info.revision.reason == f"Khắc phục theo phiếu {ref}"


def test_only_a_controller_raises_a_revision(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    ref = cs.analysed(engine, department="VP")
    refused(
        engine,
        PermissionDenied,
        capa_actions.add_action,
        "quang",
        "quang cannot raise a revision of QT-01: only a controller drafts revisions",
        ref=ref,
        description="Sửa QT-01",
        owner="thu",
        due_date=cs.due(engine),
        document="QT-01",
    )
    # the same leader may add an action that changes no document
    cs.add_action(engine, ref, "hung", actor="quang")


def test_no_revision_while_another_issue_is_in_progress(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    act(engine, revisions.revise, "nam", code="QT-01", reason="Khác", description="Khác")
    ref = cs.analysed(engine)
    refused(
        engine,
        InvalidTransition,
        capa_actions.add_action,
        "thu",
        "QT-01 already has issue 2 in progress \\(draft\\); finish it before raising another",
        ref=ref,
        description="Sửa QT-01",
        owner="thu",
        due_date=cs.due(engine),
        document="QT-01",
    )


def test_the_action_is_done_only_once_its_revision_is_effective(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    ref = cs.analysed(engine)
    cs.add_action(engine, ref, "thu", description="Sửa QT-01", document="QT-01")
    act(engine, capa.plan, "thu", ref=ref)
    refused(
        engine,
        InvalidTransition,
        capa_actions.complete_action,
        "thu",
        f"action 1 of {ref} changes QT-01: issue 2 is draft and must take effect",
        ref=ref,
        number=1,
    )
    act(engine, revisions.revise, "thu", code="QT-01", body="# 1. Mục đích\n\nMới.\n")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    refused(
        engine,
        InvalidTransition,
        capa_actions.complete_action,
        "thu",
        "issue 2 is in review",
        ref=ref,
        number=1,
    )
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    act(engine, revisions.publish, "thu", code="QT-01")
    act(engine, capa_actions.complete_action, "thu", ref=ref, number=1, note="Đã ban hành")
    with read_session(engine) as session:
        assert capa_views.detail(session, viewer=None, ref=ref).status == "actions_done"
        _, _, data = renditions.document_pdf(session, viewer=None, code="QT-01")
    history = cs.pdf_text(data)
    assert ref in history.replace("\n", " ")


# ---------------------------------------------------------------------------- completion


def test_owner_or_controller_marks_done_and_verification_is_scheduled(engine: Engine) -> None:
    ref = cs.planned(engine)
    refused(
        engine,
        PermissionDenied,
        capa_actions.complete_action,
        "hung",
        f"only the owner of action 1 of {ref} \\(lan\\) or a controller",
        ref=ref,
        number=1,
    )
    act(engine, capa_actions.complete_action, "lan", ref=ref, number=1, note="Đã phân công")
    refused(
        engine,
        InvalidTransition,
        capa_actions.complete_action,
        "thu",
        f"action 1 of {ref} is already done",
        ref=ref,
        number=1,
    )
    refused(
        engine,
        NotFound,
        capa_actions.complete_action,
        "thu",
        f"{ref} has no action 3",
        ref=ref,
        number=3,
    )
    with read_session(engine) as session:
        car = capa_views.detail(session, viewer=None, ref=ref)
    assert (car.status, car.verification_due) == ("actions_planned", None)
    act(engine, capa_actions.complete_action, "nam", ref=ref, number=2)  # a controller
    with read_session(engine) as session:
        info = capa_views.detail(session, viewer=None, ref=ref)
        last = trail.events(session, entity="capa", entity_id=ref)[-1]
    assert info.status == "actions_done"
    assert info.verification_due == cs.today(engine) + timedelta(days=30)
    assert [a.done_note for a in info.actions] == ["Đã phân công", ""]
    assert json.loads(last.payload)["old"] == {"status": "actions_planned"}


def test_verification_period_is_a_setting(engine: Engine) -> None:
    with write_session(engine) as session:
        organisation.set_setting(session, actor="admin", key="capa.verification_days", value="10")
        session.commit()
    ref = cs.planned(engine, owners=("lan",))
    cs.done(engine, ref, owners=("lan",))
    with read_session(engine) as session:
        due = capa_views.detail(session, viewer=None, ref=ref).verification_due
    assert due == cs.today(engine) + timedelta(days=10)


def test_actions_are_done_only_after_planning(engine: Engine) -> None:
    ref = cs.analysed(engine)
    cs.add_action(engine, ref, "lan")
    refused(
        engine,
        InvalidTransition,
        capa_actions.complete_action,
        "lan",
        "is cause analysed; completing an action needs it to be actions planned",
        ref=ref,
        number=1,
    )


# -------------------------------------------------------------------------- verification


def _verify(engine: Engine, actor: str, ref: str, **kwargs: Any) -> None:
    kwargs.setdefault("effective", True)
    kwargs.setdefault("evidence", "Kiểm tra hồ sơ tháng 12")
    kwargs.setdefault("password", PASSWORD)
    act(engine, capa_actions.verify, actor, ref=ref, **kwargs)


def test_verification_waits_for_every_action(engine: Engine) -> None:
    ref = cs.planned(engine)
    cs.done(engine, ref, owners=("lan",))
    before = snapshot(engine)
    with pytest.raises(InvalidTransition, match=r"before every action is done \(not done: 2\)"):
        _verify(engine, "an", ref)
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("actor", "kwargs", "error", "match"),
    [
        ("lan", {}, PermissionDenied, "needs the auditor or controller role"),
        ("hai", {}, PermissionDenied, "needs the auditor or controller role"),
        ("an", {"evidence": "  "}, ValidationError, "give the evidence"),
    ],
)
def test_verifier_rules(
    engine: Engine, actor: str, kwargs: dict[str, Any], error: type[QMSError], match: str
) -> None:
    ref = cs.planned(engine)
    cs.done(engine, ref)
    before = snapshot(engine)
    with pytest.raises(error, match=match):
        _verify(engine, actor, ref, **kwargs)
    assert snapshot(engine) == before


def test_a_wrong_verification_password_is_recorded_towards_the_lock_out(engine: Engine) -> None:
    ref = cs.planned(engine)
    cs.done(engine, ref)
    refused_signature(
        engine,
        capa_actions.verify,
        "nam",
        ref=ref,
        effective=True,
        evidence="Kiểm tra 20 hồ sơ",
        password="wrong-password",
    )


def test_an_action_owner_cannot_verify(engine: Engine) -> None:
    ref = cs.planned(engine, owners=("lan", "binh"))
    cs.done(engine, ref, owners=("lan", "binh"))
    before = snapshot(engine)
    with pytest.raises(PermissionDenied, match=f"binh owns action 2 of {ref} and cannot verify"):
        _verify(engine, "binh", ref)
    assert snapshot(engine) == before


def test_effective_verification_is_signed_over_the_record(engine: Engine) -> None:
    ref = cs.planned(engine)
    cs.done(engine, ref)
    _verify(engine, "an", ref, evidence="20 hồ sơ tháng 12 đúng hạn")
    with read_session(engine) as session:
        info = capa_views.detail(session, viewer=None, ref=ref)
        last = json.loads(trail.events(session, entity="capa", entity_id=ref)[-1].payload)
    [check] = info.verifications
    v = check
    assert info.status == "verified_effective"
    assert (check.verifier, v.printed_name, v.effective, check.valid) == (
        "an",
        "Trịnh Văn An",
        True,
        True,
    )
    assert len(v.content_hash) == 64
    assert last["old"] == {"status": "actions_done"}
    assert last["new"]["content_hash"] == v.content_hash
    # an edit of the record behind the application's back invalidates the signature
    with engine.begin() as connection:
        connection.execute(text("UPDATE capa_why SET answer = 'Vì trời mưa' WHERE position = 1"))
    with read_session(engine) as session:
        assert [
            c.valid for c in capa_views.detail(session, viewer=None, ref=ref).verifications
        ] == [False]


def test_ineffective_verification_reopens_the_plan(engine: Engine) -> None:
    ref = cs.planned(engine)
    cs.done(engine, ref)
    _verify(engine, "an", ref, effective=False, evidence="Vẫn còn 3 hồ sơ trễ hẹn")
    with read_session(engine) as session:
        car = capa_views.detail(session, viewer=None, ref=ref)
    assert (car.status, car.verification_due) == ("actions_planned", None)
    before = snapshot(engine)
    with pytest.raises(InvalidTransition, match="is actions planned"):
        _verify(engine, "an", ref)
    assert snapshot(engine) == before
    number = cs.add_action(engine, ref, "mai", description="Tập huấn lại cho cán bộ")
    act(engine, capa_actions.complete_action, "mai", ref=ref, number=number)
    _verify(engine, "binh", ref)
    with read_session(engine) as session:
        info = capa_views.detail(session, viewer=None, ref=ref)
    assert info.status == "verified_effective"
    assert [(c.verifier, c.effective, c.valid) for c in info.verifications] == [
        ("an", False, True),
        ("binh", True, True),
    ]


# ------------------------------------------------------------------------------- overdue


def test_overdue_actions_per_owner_and_department(engine: Engine) -> None:
    mc = cs.planned(engine, owners=("lan", "hung"), department="MC")
    tp = cs.planned(engine, owners=("mai",), department="TP")
    cs.done(engine, mc, owners=("lan",))
    cs.pass_days(engine, "capa_action", "due_date", 20)  # 14-day actions are now 6 days late
    with read_session(engine) as session:
        everything = capa_actions.overdue(session, viewer=None)
        hung = capa_actions.overdue(session, viewer=None, owner="hung")
        tp_only = capa_actions.overdue(session, viewer=None, department="tp")
    rows = [(a.department, a.owner, a.ref, a.number, a.days_overdue) for a in everything.actions]
    assert rows == [("MC", "hung", mc, 2, 6), ("TP", "mai", tp, 1, 6)]
    assert [a.ref for a in hung.actions] == [mc]
    assert [a.ref for a in tp_only.actions] == [tp]
    assert everything.verifications == []


def test_an_action_is_overdue_while_open_after_its_due_day(engine: Engine) -> None:
    """The record view, the register counts and the overdue list agree on one rule."""
    ref = cs.planned(engine, owners=("lan", "hung"))

    def flags() -> tuple[list[bool], int, list[int]]:
        with read_session(engine) as session:
            info = capa_views.detail(session, viewer=None, ref=ref)
            row = next(r for r in capa_views.list_capas(session, viewer=None) if r.ref == ref)
            listed = capa_actions.overdue(session, viewer=None).actions
        return (
            [v.overdue for v in info.actions],
            row.overdue_actions,
            sorted(a.number for a in listed),
        )

    cs.pass_days(engine, "capa_action", "due_date", 14)  # both due today: not late yet
    assert flags() == ([False, False], 0, [])
    cs.pass_days(engine, "capa_action", "due_date", 1)  # due yesterday
    assert flags() == ([True, True], 2, [1, 2])
    cs.done(engine, ref, owners=("lan",))  # done late is no longer overdue
    assert flags() == ([False, True], 1, [2])


def test_overdue_verifications_are_listed(engine: Engine) -> None:
    ref = cs.planned(engine, owners=("lan",))
    cs.done(engine, ref, owners=("lan",))
    with read_session(engine) as session:
        assert capa_actions.overdue(session, viewer=None).verifications == []
    cs.pass_days(engine, "corrective_action_request", "verification_due", 31)
    with read_session(engine) as session:
        report = capa_actions.overdue(session, viewer=None)
        elsewhere = capa_actions.overdue(session, viewer=None, department="VP")
    assert [(v.ref, v.department, v.days_overdue) for v in report.verifications] == [(ref, "MC", 1)]
    assert report.actions == []
    assert elsewhere.verifications == []
