"""Distribution lists and read campaigns: who must read a document's new issue, who has,
reminders to those who have not, and late readers on their home page."""

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms import clock
from qms.db import read_session, write_session
from qms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from qms.models import Notice, User
from qms.services import inbox
from qms.services.documents import distribution, read_campaigns, revisions
from qms.services.notices import reminders
from qms.services.people import organisation, users
from tests.helpers import act, last_event, new_draft, refused, to_effective, trail_actions
from tests.pinned_clock import NOW


def given(engine: Engine, kind: str) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(User.username)
            .join(Notice, col(Notice.user_id) == User.id)
            .where(Notice.kind == kind)
            .order_by(col(User.username), col(Notice.id))
        ).all()
    return list(rows)


def listed_document(engine: Engine, code: str = "QT-01") -> None:
    """A VP procedure distributed to the MC department, the auditors and mai, made effective."""
    new_draft(engine, code)
    act(engine, distribution.add_to_distribution, "thu", code=code, department="MC")
    act(engine, distribution.add_to_distribution, "thu", code=code, role="auditor")
    act(engine, distribution.add_to_distribution, "thu", code=code, user="mai")
    to_effective(engine, code)


def section(engine: Engine, username: str, key: str) -> list[str] | None:
    with read_session(engine) as session:
        found = {
            s.key: [f"{i.code}/{i.issue}" for i in s.items]
            for s in inbox.inbox(session, viewer=users.get_user(session, username))
        }
    return found.get(key)


def test_a_new_issue_goes_to_the_distribution_not_only_the_department(engine: Engine) -> None:
    start = last_event(engine)
    listed_document(engine)
    assert trail_actions(engine, start).count("distribution.add") == 3
    with read_session(engine) as session:
        lines = distribution.distribution_of(session, code="qt-01")
    assert [(x.kind, x.name) for x in lines] == [
        ("department", "MC"),
        ("role", "auditor"),
        ("user", "mai"),
    ]
    # MC's people (an, lan), the auditors (an, binh) and mai; nobody of VP but by the list.
    assert given(engine, "new_issue_to_read") == ["an", "binh", "lan", "mai"]
    assert section(engine, "lan", "acknowledge") == ["QT-01/1"]
    assert section(engine, "hung", "acknowledge") == []


def test_without_a_list_the_department_reads_as_before(engine: Engine) -> None:
    new_draft(engine, "QT-02")
    to_effective(engine, "QT-02")
    assert "lan" not in given(engine, "new_issue_to_read")
    assert "hung" in given(engine, "new_issue_to_read")
    assert section(engine, "hung", "acknowledge") == ["QT-02/1"]
    assert section(engine, "lan", "acknowledge") == []


def test_only_controllers_change_a_list_and_bad_lines_change_nothing(engine: Engine) -> None:
    new_draft(engine, "QT-03")
    act(engine, distribution.add_to_distribution, "thu", code="QT-03", department="TP")
    add = distribution.add_to_distribution
    refused(engine, PermissionDenied, add, "lan", "controller", code="QT-03", role="staff")
    refused(engine, ValidationError, add, "thu", "one department", code="QT-03")
    refused(engine, ValidationError, add, "thu", "one department", code="QT-03", role="x", user="y")
    refused(engine, ValidationError, add, "thu", "no role 'chief'", code="QT-03", role="chief")
    refused(engine, NotFound, add, "thu", "no department", code="QT-03", department="ZZ")
    refused(engine, NotFound, add, "thu", "no user", code="QT-03", user="nobody")
    refused(
        engine, Conflict, add, "thu", "already on the distribution", code="QT-03", department="tp"
    )
    remove = distribution.remove_from_distribution
    refused(engine, NotFound, remove, "thu", "not on the distribution", code="QT-03", user="lan")
    start = last_event(engine)
    act(engine, remove, "nam", code="QT-03", department="TP")
    assert trail_actions(engine, start) == ["distribution.remove"]
    with read_session(engine) as session:
        assert distribution.distribution_of(session, code="QT-03") == []


def test_coordinators_see_who_has_read_by_department_and_remind_the_others(
    engine: Engine,
) -> None:
    listed_document(engine)
    act(engine, revisions.acknowledge, "lan", code="QT-01")
    with read_session(engine) as session:
        campaign = read_campaigns.read_campaign(
            session, viewer=users.get_user(session, "nam"), code="QT-01"
        )
    assert campaign.effective_on == date(2026, 12, 4)  # a Friday
    assert campaign.due_on == date(2026, 12, 18)  # ten working days on
    assert not campaign.overdue
    by_department = {
        dept: [(r.username, r.acknowledged_at is not None) for r in people]
        for dept, people in campaign.by_department().items()
    }
    assert by_department == {
        "MC": [("an", False), ("lan", True)],
        "TP": [("binh", False), ("mai", False)],
    }
    with read_session(engine) as session, pytest.raises(PermissionDenied):
        read_campaigns.read_campaign(session, viewer=users.get_user(session, "lan"), code="QT-01")
    refused(
        engine, PermissionDenied, read_campaigns.remind_unread, "lan", "controller", code="QT-01"
    )

    start = last_event(engine)
    act(engine, read_campaigns.remind_unread, "nam", code="QT-01")
    act(engine, read_campaigns.remind_unread, "nam", code="QT-01")  # once a day each
    assert given(engine, "read_reminder") == ["an", "binh", "mai"]
    assert trail_actions(engine, start) == ["revision.remind_readers"] * 2


def test_late_readers_see_it_on_their_home_page_and_are_reminded_weekly(
    engine: Engine,
) -> None:
    listed_document(engine)
    act(engine, revisions.acknowledge, "mai", code="QT-01")
    with clock.pinned(NOW + timedelta(days=14)):  # Friday 18 December: still in time
        assert section(engine, "lan", "read_overdue") is None
        assert section(engine, "lan", "acknowledge") == ["QT-01/1"]
        assert _remind(engine).reads == 0
    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: late
        assert section(engine, "lan", "read_overdue") == ["QT-01/1"]
        assert section(engine, "lan", "acknowledge") == []  # shown once, as late
        assert section(engine, "mai", "read_overdue") is None  # read it
        assert _remind(engine).reads == 1
        _remind(engine)
    assert given(engine, "read_reminder") == ["an", "binh", "lan"]
    with clock.pinned(NOW + timedelta(days=24)):  # a week later, once more
        _remind(engine)
    assert given(engine, "read_reminder") == ["an", "an", "binh", "binh", "lan", "lan"]


def test_the_due_period_is_the_organisations_setting(engine: Engine) -> None:
    listed_document(engine)
    with write_session(engine) as session:
        organisation.set_setting(session, actor="system", key=read_campaigns.DUE_SETTING, value="3")
        session.commit()
    with clock.pinned(NOW + timedelta(days=6)):  # Thursday 10 December, after 3 working days
        assert section(engine, "lan", "read_overdue") == ["QT-01/1"]


def test_working_days_skip_the_weekend() -> None:
    friday = date(2026, 12, 4)
    assert read_campaigns.add_working_days(friday, 1) == date(2026, 12, 7)
    assert read_campaigns.add_working_days(friday, 10) == date(2026, 12, 18)
    # Late on Monday 21 December: issues that took effect before Monday 7 December (one
    # that took effect on the weekend before counts its days from that Monday).
    assert read_campaigns.overdue_before(date(2026, 12, 21), 10) == date(2026, 12, 7)


def _remind(engine: Engine) -> reminders.Reminded:
    with write_session(engine) as session:
        done = reminders.remind(session, today=organisation.today(session))
        session.commit()
        return done
