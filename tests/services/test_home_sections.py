"""Home pages that lead: what was returned to you, what waits on others (who, since when),
what is approved and ready to publish (or takes effect on its date), what falls due soon,
and, for coordinators, the issues whose readers are late."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine

from qms import clock
from qms.db import read_session, write_session
from qms.errors import ValidationError
from qms.services import inbox
from qms.services.documents import revisions
from qms.services.people import organisation, users
from qms.services.risks import register as risk_register
from tests.helpers import act, new_draft, to_effective
from tests.pinned_clock import NOW, days_from_today
from tests.seed import PASSWORD
from tests.services.capa_setup import planned
from tests.services.test_distribution import listed_document


def sections(engine: Engine, username: str) -> dict[str, list[tuple[str, datetime]]]:
    with read_session(engine) as session:
        return {
            s.key: [(f"{i.code}/{i.issue}", i.since) for i in s.items]
            for s in inbox.inbox(session, viewer=users.get_user(session, username))
        }


def keys(engine: Engine, username: str) -> dict[str, list[str]]:
    return {k: [code for code, _ in v] for k, v in sections(engine, username).items()}


def test_each_stage_of_a_draft_leads_its_drafter_and_the_coordinators(engine: Engine) -> None:
    new_draft(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD, reviewer="mai")
    assert keys(engine, "thu")["waiting"] == ["QT-01/1"]
    assert "returned" not in keys(engine, "thu")

    act(engine, revisions.review, "mai", code="QT-01", accept=False, comment="Thiếu bước 3")
    assert keys(engine, "thu")["returned"] == ["QT-01/1"]
    assert "waiting" not in keys(engine, "thu")

    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(
        engine,
        revisions.approve,
        "hai",
        code="QT-01",
        password=PASSWORD,
        effective_date=days_from_today(3),
    )
    on = datetime.combine(days_from_today(3), time(12), tzinfo=UTC)
    assert sections(engine, "nam")["publish"] == [("QT-01/1", on)]  # publishes on that day
    assert "returned" not in keys(engine, "thu")
    assert "waiting" not in keys(engine, "thu")
    assert not {"publish", "returned", "waiting"} & set(keys(engine, "lan"))


def items(engine: Engine, username: str, key: str) -> list[inbox.InboxItem] | None:
    with read_session(engine) as session:
        viewer = users.get_user(session, username)
        found = {s.key: s for s in inbox.inbox(session, viewer=viewer)}
    return found[key].items if key in found else None


def test_waiting_on_others_names_who_holds_the_step_and_since_when(engine: Engine) -> None:
    new_draft(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD, reviewer="mai")
    [waiting] = items(engine, "thu", "waiting") or []
    assert (waiting.kind, waiting.who) == ("review", "Đỗ Thị Thanh Mai")
    assert NOW <= waiting.since < NOW + timedelta(hours=1)  # since it was submitted

    with clock.pinned(NOW + timedelta(days=2)):
        act(engine, revisions.review, "mai", code="QT-01", accept=True, password=PASSWORD)
    [waiting] = items(engine, "thu", "waiting") or []
    # No approver was named: any approver may take it, since the review.
    assert (waiting.kind, waiting.who) == ("approve", "")
    assert NOW + timedelta(days=2) <= waiting.since < NOW + timedelta(days=2, hours=1)


def test_due_soon_gathers_what_falls_due_in_the_next_days(engine: Engine) -> None:
    listed_document(engine)  # lan has ten working days to read it: until 18 December
    ref = planned(engine, owners=("lan",))  # her action is due in 14 days: 18 December
    risk = act(
        engine, risk_register.add_risk, "thu", kind="risk", department="MC",
        title="Hồ sơ trễ hẹn", likelihood=4, impact=4, treatment="reduce",
        next_review=days_from_today(5),
    )  # fmt: skip
    assert items(engine, "lan", "due_soon") == []  # nothing within 7 days yet
    [review] = items(engine, "nam", "due_soon") or []
    assert (review.kind, review.code, review.url) == ("risk_review", risk.ref, "/risks")
    assert items(engine, "lan", "due_soon") == []

    with clock.pinned(NOW + timedelta(days=12)):  # Wednesday 16 December
        due = items(engine, "lan", "due_soon") or []
        assert [(i.kind, i.code, i.since.date(), i.late) for i in due] == [
            ("action", ref, date(2026, 12, 18), False),
            ("read", "QT-01", date(2026, 12, 18), False),
        ]
        assert due[0].url == f"/capa/{ref}"
    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: both late,
        assert items(engine, "lan", "due_soon") == []  # so listed in their own sections
        assert items(engine, "lan", "read_overdue")
        assert items(engine, "lan", "actions_due")
        [review] = items(engine, "nam", "due_soon") or []  # a late risk review stays, marked
        assert (review.kind, review.late) == ("risk_review", True)

    with write_session(engine) as session:
        organisation.set_setting(session, actor="system", key=inbox.DUE_SOON_SETTING, value="30")
        session.commit()
    assert [i.kind for i in items(engine, "lan", "due_soon") or []] == ["action", "read"]


def test_a_wrong_due_soon_setting_is_refused_plainly(engine: Engine) -> None:
    with write_session(engine) as session:
        organisation.set_setting(session, actor="system", key=inbox.DUE_SOON_SETTING, value="x")
        session.commit()
    with pytest.raises(ValidationError, match=r"home\.due_soon_days must be a whole number"):
        items(engine, "lan", "due_soon")


def test_coordinators_see_the_issues_whose_readers_are_late(engine: Engine) -> None:
    listed_document(engine)
    assert items(engine, "nam", "late_readers") is None  # in time: not shown
    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: late
        [late] = items(engine, "nam", "late_readers") or []
        assert (late.code, late.url) == ("QT-01", "/documents/QT-01/readers")
        assert items(engine, "lan", "late_readers") is None  # coordinators only
        for reader in ("an", "binh", "lan", "mai"):
            act(engine, revisions.acknowledge, reader, code="QT-01")
        assert items(engine, "nam", "late_readers") is None  # everyone has read it


def test_late_readers_are_reckoned_issue_by_issue(engine: Engine) -> None:
    """An acknowledgement of one issue does not count for another, and a document without
    a distribution list is read by its department (the query looks at each issue)."""
    listed_document(engine, "QT-01")
    listed_document(engine, "QT-02")
    new_draft(engine, "QT-03")
    to_effective(engine, "QT-03")
    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: all three late
        for reader in ("an", "binh", "lan", "mai"):
            act(engine, revisions.acknowledge, reader, code="QT-01")
        late = items(engine, "nam", "late_readers") or []
        assert sorted(item.code for item in late) == ["QT-02", "QT-03"]


def test_the_home_page_counts_late_issues_up_to_a_limit_and_says_there_are_more(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether an issue's readers are late is judged issue by issue, so the home page stops
    counting at a limit and says "more than"; the section's own pages count further."""
    for code in ("QT-01", "QT-02", "QT-03"):
        listed_document(engine, code)
    monkeypatch.setattr(inbox, "COUNTED_ON_HOME", 2)
    monkeypatch.setattr(inbox, "SHOWN_PER_SECTION", 1)

    def late() -> tuple[tuple[int, bool], tuple[int, bool]]:
        with read_session(engine) as session:
            nam = users.get_user(session, "nam")
            home = {s.key: s for s in inbox.inbox(session, viewer=nam)}["late_readers"]
            whole = inbox.inbox_section(session, viewer=nam, key="late_readers")
            assert len(home.items) == 1
            return (home.total, home.capped), (whole.total, whole.capped)

    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: all three late
        assert late() == ((2, True), (3, False))
        for reader in ("an", "binh", "lan", "mai"):
            act(engine, revisions.acknowledge, reader, code="QT-01")
        assert late() == ((2, False), (2, False))


def test_the_late_readers_pages_count_up_to_a_limit_and_say_whether_a_page_follows(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The section's own pages stop counting at a limit too: past it they say "more than"
    and whether a page follows (one row more is read), and still go through every issue."""
    for code in ("QT-01", "QT-02", "QT-03"):
        listed_document(engine, code)
    monkeypatch.setattr(inbox, "COUNTED_ON_PAGE", 2)
    with clock.pinned(NOW + timedelta(days=17)), read_session(engine) as session:
        nam = users.get_user(session, "nam")
        pages = [
            inbox.inbox_section(session, viewer=nam, key="late_readers", page=n, per_page=1)
            for n in (1, 2, 3, 4)
        ]
    assert [(p.total, p.capped, p.more) for p in pages] == [
        (2, True, True),
        (2, True, True),
        (2, True, False),
        (2, True, False),
    ]
    assert [p.pages for p in pages] == [3, 3, 3, 4]  # known so far; past the end, empty
    assert sorted(p.items[0].code for p in pages[:3]) == ["QT-01", "QT-02", "QT-03"]
    assert pages[3].items == []
