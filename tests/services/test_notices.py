"""Each step that gives someone a task or news leaves them a notice, in the same
transaction; each reader reads it in their own language."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms.db import read_session, write_session
from qms.errors import NotFound, PermissionDenied, ValidationError
from qms.i18n import in_language
from qms.models import MailMessage, Notice, User
from qms.services.documents import revisions
from qms.services.notices import mail, reading
from qms.services.people import contact, users
from tests.helpers import act, new_draft, refused
from tests.pinned_clock import NOW, days_from_today
from tests.seed import PASSWORD


def notices(engine: Engine) -> list[tuple[str, str, str]]:
    """(username, kind, subject) of every notice, in the order given."""
    with read_session(engine) as session:
        rows = session.exec(
            select(User.username, Notice.kind, Notice.subject)
            .join(User, col(User.id) == Notice.user_id)
            .order_by(col(Notice.id))
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_revision_story_leads_each_person_to_the_next_step(engine: Engine) -> None:
    new_draft(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD, reviewer="mai")
    assert notices(engine) == [("mai", "review_requested", "QT-01/1")]

    act(engine, revisions.review, "mai", code="QT-01", accept=False, comment="Thiếu bước 3")
    assert notices(engine)[-1] == ("thu", "returned", "QT-01/1")

    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD, approver="hai")
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    assert notices(engine)[-1] == ("hai", "approval_requested", "QT-01/1")

    act(
        engine,
        revisions.approve,
        "hai",
        code="QT-01",
        password=PASSWORD,
        effective_date=days_from_today(3),
    )
    assert notices(engine)[-1] == ("thu", "takes_effect", "QT-01/1")


def test_every_reviewer_is_told_when_no_one_is_named(engine: Engine) -> None:
    new_draft(engine, "QT-02", drafter="drafter2")
    act(engine, revisions.submit, "drafter2", code="QT-02", password=PASSWORD)
    # Reviewers other than the drafter; drafter2 is a reviewer too.
    assert notices(engine) == [
        ("hung", "review_requested", "QT-02/1"),
        ("mai", "review_requested", "QT-02/1"),
        ("quang", "review_requested", "QT-02/1"),
    ]


def test_a_new_issue_is_to_read_by_its_department_in_each_readers_language(
    engine: Engine,
) -> None:
    new_draft(engine, "QT-03")
    act(engine, revisions.submit, "thu", code="QT-03", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-03", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-03", password=PASSWORD)
    assert notices(engine)[-1] == ("thu", "ready_to_publish", "QT-03/1")
    act(engine, revisions.publish, "nam", code="QT-03")

    to_read = {user for user, kind, _ in notices(engine) if kind == "new_issue_to_read"}
    # The department VP, not the drafter; people of TP and MC are not told.
    assert to_read == {"admin", "nam", "hung", "hai", "quang", "drafter2"}

    with write_session(engine) as session:
        hung = users.get_user(session, "hung")
        listed = reading.notices_of(session, viewer=hung)
        assert listed.unread == 2  # review requested, then the new issue
        newest = listed.notices[0]
        assert newest.url == "/documents/QT-03"
        assert in_language(newest.words, "vi") == (
            "Ban hành mới cần đọc: QT-03 lần ban hành 1 (Quy trình kiểm soát tài liệu)"
        )
        assert str(newest.words) == (
            "New issue to read: QT-03 issue 1 (Quy trình kiểm soát tài liệu)"
        )
        opened = reading.open_notice(session, viewer=hung, notice_id=newest.id)
        assert opened.read
        assert reading.unread_count(session, user_id=hung.id or 0) == 1
        assert reading.mark_all_read(session, viewer=hung) == 1
        assert reading.unread_count(session, user_id=hung.id or 0) == 0


def test_nobody_opens_someone_elses_notice(engine: Engine) -> None:
    new_draft(engine, "QT-04")
    act(engine, revisions.submit, "thu", code="QT-04", password=PASSWORD, reviewer="mai")
    with read_session(engine) as session:
        notice_id = session.exec(select(Notice.id)).one()
    with write_session(engine) as session, pytest.raises(NotFound):
        reading.open_notice(session, viewer=users.get_user(session, "hung"), notice_id=notice_id)


def test_a_step_that_fails_leaves_no_notice(engine: Engine) -> None:
    new_draft(engine, "QT-05")
    with pytest.raises(Exception, match="password"):
        act(engine, revisions.submit, "thu", code="QT-05", password="wrong", reviewer="mai")
    assert notices(engine) == []


def test_mail_is_queued_only_for_those_who_want_it_at_once(engine: Engine) -> None:
    act(engine, contact.set_contact, "mai", username="mai", email="mai@example.vn")
    act(
        engine,
        contact.set_contact,
        "hung",
        username="hung",
        email="hung@example.vn",
        mail_choice="digest",
    )
    act(
        engine,
        contact.set_contact,
        "quang",
        username="quang",
        email="quang@example.vn",
        mail_choice="none",
    )
    new_draft(engine, "QT-06")
    act(engine, revisions.submit, "thu", code="QT-06", password=PASSWORD)
    with read_session(engine) as session:
        queued = session.exec(
            select(User.username)
            .join(MailMessage, col(MailMessage.user_id) == User.id)
            .order_by(col(User.username))
        ).all()
        awaiting = session.exec(
            select(User.username)
            .join(Notice, col(Notice.user_id) == User.id)
            .where(col(Notice.awaiting_digest).is_(True))
        ).all()
    assert list(queued) == [
        "mai"
    ]  # hung waits for his digest; quang gets none; drafter2 no address
    assert list(awaiting) == ["hung"]


def test_an_invalid_address_is_refused_and_nothing_changes(engine: Engine) -> None:
    for bad in ("mai", "mai@", "mai@example", "mai @example.vn", "a@b..vn", "x" * 250 + "@a.vn"):
        refused(
            engine,
            ValidationError,
            contact.set_contact,
            "mai",
            match="is not a mail address",
            username="mai",
            email=bad,
        )
    refused(
        engine,
        ValidationError,
        contact.set_contact,
        "mai",
        match="mail choice must be one of",
        username="mai",
        mail_choice="weekly",
    )
    refused(
        engine,
        PermissionDenied,
        contact.set_contact,
        "lan",
        match="administrator",
        username="mai",
        email="mai@example.vn",
    )


def digest_subject(engine: Engine) -> str:
    with write_session(engine) as session:
        assert mail.queue_digests(session, day=NOW.date()) == 1
        [queued] = session.exec(select(MailMessage)).all()
        composed = mail.compose(
            session, queued, sender="qms@example.vn", base_url="https://qms.example.vn"
        )
    assert composed.message is not None
    return str(composed.message["Subject"])


def test_a_digest_of_one_notice_is_titled_by_it(engine: Engine) -> None:
    """Not "1 notices of <day>": a count in the subject is always two or more."""
    act(
        engine,
        contact.set_contact,
        "mai",
        username="mai",
        email="mai@example.vn",
        mail_choice="digest",
    )
    new_draft(engine, "QT-06")
    act(engine, revisions.submit, "thu", code="QT-06", password=PASSWORD, reviewer="mai")
    subject = digest_subject(engine)
    assert subject.startswith("Lê Thị Minh Thư đã trình QT-06 lần ban hành 1 (")


def test_a_notice_and_its_mail_give_dates_the_readers_way(engine: Engine) -> None:
    """A date in a notice is a date: 07/12/2026 to a Vietnamese reader, 2026-12-07 to an
    English one, in the notice list and in the mail alike (not an ISO string for all)."""
    act(engine, contact.set_contact, "thu", username="thu", email="thu@example.vn",
        mail_choice="digest")  # fmt: skip
    new_draft(engine, "QT-08")
    act(engine, revisions.submit, "thu", code="QT-08", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-08", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-08", password=PASSWORD,
        effective_date=days_from_today(3))  # fmt: skip
    new_draft(engine, "QT-09")  # a second notice: the digest's subject names its day
    act(engine, revisions.submit, "thu", code="QT-09", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-09", accept=False, comment="Sửa mục 2")
    with read_session(engine) as session:
        listed = reading.notices_of(session, viewer=users.get_user(session, "thu"))
    takes_effect = next(n for n in listed.notices if n.kind == "takes_effect")
    assert in_language(takes_effect.words, "vi").endswith("có hiệu lực từ ngày 07/12/2026")
    assert in_language(takes_effect.words, "en").endswith("it takes effect on 2026-12-07")

    with write_session(engine) as session:
        assert mail.queue_digests(session, day=NOW.date()) == 1
        [queued] = session.exec(select(MailMessage)).all()
        composed = mail.compose(
            session, queued, sender="qms@example.vn", base_url="https://qms.example.vn"
        )
    assert composed.message is not None
    assert str(composed.message["Subject"]) == "qms: 2 thông báo ngày 04/12/2026"
    text = composed.message.get_content()
    assert "có hiệu lực từ ngày 07/12/2026" in text
    assert "2026-12-07" not in text
