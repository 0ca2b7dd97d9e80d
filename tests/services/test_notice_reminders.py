"""Audit and corrective-action steps tell the people concerned; reminders come once per
item and period, however often the daily job runs."""

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms import clock
from qms.db import read_session, write_session
from qms.models import Notice, User
from qms.services.audits import planning as audits
from qms.services.notices import reminders
from qms.services.people import organisation
from tests.helpers import act, new_draft, to_effective
from tests.pinned_clock import NOW
from tests.services.audit_helpers import add_person
from tests.services.capa_setup import audit_with_findings, plan_mc, planned


def given(engine: Engine, *kinds: str) -> list[tuple[str, str, str]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(User.username, Notice.kind, Notice.subject)
            .join(User, col(User.id) == Notice.user_id)
            .where(col(Notice.kind).in_(kinds))
            .order_by(col(Notice.id))
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def remind(engine: Engine) -> reminders.Reminded:
    with write_session(engine) as session:
        done = reminders.remind(session, today=organisation.today(session))
        session.commit()
        return done


def test_audit_team_checklist_and_findings_reach_their_people(engine: Engine) -> None:
    add_person(engine, "cuong", "VP", ["auditor"])
    ref = plan_mc(engine)
    act(engine, audits.assign, "binh", ref=ref, username="cuong")
    # binh planned it (no notice to himself); cuong is told when assigned.
    assert given(engine, "audit_assigned") == [("cuong", "audit_assigned", ref)]

    ref2 = audit_with_findings(engine, grades=("NC_MINOR",))
    assert given(engine, "checklist_to_work") == [("binh", "checklist_to_work", ref2)]
    assert given(engine, "finding_raised") == [("lan", "finding_raised", f"{ref2}/1")]


def test_an_action_owner_is_told_then_reminded_once_per_period(engine: Engine) -> None:
    ref = planned(engine, owners=("lan",))  # due in 14 days
    assert given(engine, "action_assigned") == [("lan", "action_assigned", f"{ref}/1")]

    remind(engine)
    assert given(engine, "action_due_soon", "action_overdue") == []  # not due soon yet

    with clock.pinned(NOW + timedelta(days=12)):
        remind(engine)
        remind(engine)
    with clock.pinned(NOW + timedelta(days=13)):
        remind(engine)
    assert given(engine, "action_due_soon") == [("lan", "action_due_soon", f"{ref}/1")]

    with clock.pinned(NOW + timedelta(days=16)):
        remind(engine)
        remind(engine)
    with clock.pinned(NOW + timedelta(days=17)):  # the same week
        remind(engine)
    with clock.pinned(NOW + timedelta(days=23)):  # a week later: reminded again
        remind(engine)
    assert given(engine, "action_overdue") == [("lan", "action_overdue", f"{ref}/1")] * 2


def test_a_document_due_for_periodic_review_is_reminded_once(engine: Engine) -> None:
    new_draft(engine, "QT-07")
    to_effective(engine, "QT-07")
    with clock.pinned(NOW + timedelta(days=340)):
        assert remind(engine).reviews == 1
        remind(engine)
    with clock.pinned(NOW + timedelta(days=341)):
        remind(engine)
    # QT-07 has no owner: every controller is reminded, once.
    assert given(engine, "periodic_review_due") == [
        ("drafter2", "periodic_review_due", "QT-07"),
        ("nam", "periodic_review_due", "QT-07"),
        ("thu", "periodic_review_due", "QT-07"),
    ]


def test_overdue_risk_reviews_and_actions_are_reminded_once_a_week(engine: Engine) -> None:
    from qms.services.notices import wording
    from qms.services.risks import actions as risk_actions
    from qms.services.risks import register as risk_register
    from tests.pinned_clock import days_from_today

    risk = act(
        engine, risk_register.add_risk, "thu", kind="risk", department="MC",
        title="Hồ sơ trễ hẹn", likelihood=4, impact=4, treatment="reduce",
        next_review=days_from_today(5),
    )  # fmt: skip
    act(engine, risk_actions.add_action, "thu", ref=risk.ref, what="Phân công người thay",
        owner="lan", due=days_from_today(2))  # fmt: skip
    assert remind(engine).risks == 0
    with clock.pinned(NOW + timedelta(days=6)):
        assert remind(engine).risks == 2
        remind(engine)
    with clock.pinned(NOW + timedelta(days=13)):  # a week later: reminded again
        remind(engine)
    kinds = ("risk_review_due", "risk_action_overdue")
    controllers = [("thu", "risk_review_due", "RR-001"), ("nam", "risk_review_due", "RR-001"),
                   ("drafter2", "risk_review_due", "RR-001")]  # fmt: skip
    once = [*controllers, ("lan", "risk_action_overdue", "RR-001/1")]
    assert sorted(given(engine, *kinds)) == sorted(once * 2)
    with read_session(engine) as session:
        notice = session.exec(select(Notice).where(Notice.kind == "risk_action_overdue")).first()
        assert notice is not None
        assert str(wording.words(notice)) == (
            f"Action 1 on risk RR-001 is overdue (it was due on {days_from_today(2)}): "
            "Phân công người thay"
        )
