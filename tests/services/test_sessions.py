"""Sign-in sessions kept on the server (SQLite and PostgreSQL): only the token's hash is
stored; signing out, a password change, deactivation and an admin end them; idle and
absolute lifetimes end them too, and sign-ins clean up what ran out."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms import clock
from qms.clock import naive_utc
from qms.db import read_session, write_session
from qms.errors import NotFound, PermissionDenied
from qms.models import TrailEvent, WebSession
from qms.services.documents import downloads
from qms.services.people import logins, sessions, users
from tests.helpers import act, refused, snapshot
from tests.pinned_clock import NOW
from tests.seed import PASSWORD

LIFETIMES = sessions.Lifetimes.of(idle_minutes=30, max_hours=8)


def _sign_in(engine: Engine, username: str = "lan", client: str = "10.0.0.7") -> str:
    with write_session(engine) as session:
        signed = logins.sign_in(
            session, username=username, password=PASSWORD, client=client, lifetimes=LIFETIMES
        )
    return signed.token


def _signs_in(engine: Engine, token: str, lifetimes: sessions.Lifetimes = LIFETIMES) -> bool:
    with read_session(engine) as session:
        found = sessions.resume(session, token=token, lifetimes=lifetimes)
    with engine.connect() as reader:
        download = downloads.effective_copy_for(reader, token=token, code="", lifetimes=lifetimes)
    assert (found is None) == (download.live is None)  # the download's one query agrees
    return found is not None


def _row(engine: Engine, token: str) -> WebSession:
    with read_session(engine) as session:
        return session.exec(
            select(WebSession).where(WebSession.token_sha256 == sessions.token_sha256(token))
        ).one()


def _ended(engine: Engine, username: str = "lan") -> list[str]:
    """The end reasons of a user's sessions, in the order they began."""
    with read_session(engine) as session:
        user = users.get_user(session, username)
        rows = session.exec(
            select(WebSession).where(WebSession.user_id == user.id).order_by(col(WebSession.id))
        ).all()
    return [row.end_reason for row in rows]


def test_only_the_hash_of_the_token_is_stored(engine: Engine) -> None:
    token = _sign_in(engine)
    assert token not in repr(snapshot(engine))
    row = _row(engine, token)
    assert row.token_sha256 == sessions.token_sha256(token) != token
    assert row.client == "10.0.0.7"
    assert row.ended_at is None
    assert row.end_reason == ""
    assert naive_utc(row.created_at) == naive_utc(row.last_seen_at)
    assert _signs_in(engine, token)
    assert not _signs_in(engine, token + "x")


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(engine: Engine) -> None:
    token, other = _sign_in(engine), _sign_in(engine)
    with write_session(engine) as session:
        sessions.sign_out(session, token=token)
    assert not _signs_in(engine, token)
    assert _signs_in(engine, other)  # the same user elsewhere stays signed in
    row = _row(engine, token)
    assert row.end_reason == "logout"
    assert row.ended_at is not None
    with read_session(engine) as session:
        event = session.exec(select(TrailEvent).where(TrailEvent.action == "user.logout")).one()
    assert (event.actor, event.entity_id) == ("lan", "lan")
    before = snapshot(engine)
    with write_session(engine) as session:  # again, or with a token nobody has
        sessions.sign_out(session, token=token)
        sessions.sign_out(session, token="forged")
    assert snapshot(engine) == before


def test_a_password_change_ends_the_other_sessions_and_renews_this_one(engine: Engine) -> None:
    here, elsewhere = _sign_in(engine), _sign_in(engine)
    first = _row(engine, here)
    renewed = act(
        engine,
        users.change_password,
        "lan",
        username="lan",
        new_password="n3w-secret!",
        old_password=PASSWORD,
        current_token=here,
    )
    assert renewed is not None
    assert renewed != here
    assert _signs_in(engine, renewed)  # this session goes on...
    assert not _signs_in(engine, here)  # ...under a new token: a copy of the old cookie fails
    assert not _signs_in(engine, elsewhere)
    assert _ended(engine) == ["", "password_changed"]
    assert _row(engine, renewed).id == first.id  # the same session: its lifetime runs on


def test_a_reset_by_an_admin_ends_every_session(engine: Engine) -> None:
    token = _sign_in(engine)
    admin_token = _sign_in(engine, "admin")
    kept = act(
        engine,
        users.change_password,
        "admin",
        username="lan",
        new_password="n3w-secret!",
        old_password=None,
        current_token=admin_token,  # the admin's own session is not the user's to end
    )
    assert kept is None
    assert not _signs_in(engine, token)
    assert _signs_in(engine, admin_token)
    assert _ended(engine) == ["password_changed"]


def test_deactivation_ends_every_session(engine: Engine) -> None:
    tokens = [_sign_in(engine), _sign_in(engine)]
    act(engine, users.set_active, "admin", username="lan", active=False)
    act(engine, users.set_active, "admin", username="lan", active=True)
    assert not any(_signs_in(engine, token) for token in tokens)  # not revived either
    assert _ended(engine) == ["deactivated", "deactivated"]
    with read_session(engine) as session:
        event = session.exec(select(TrailEvent).where(TrailEvent.action == "user.deactivate")).one()
    assert '"sessions_ended":2' in event.payload


def test_an_admin_ends_a_users_sessions(engine: Engine) -> None:
    tokens = [_sign_in(engine), _sign_in(engine)]
    hung = _sign_in(engine, "hung")
    assert act(engine, users.end_sessions, "admin", username="lan") == 2
    assert not any(_signs_in(engine, token) for token in tokens)
    assert _signs_in(engine, hung)
    assert _ended(engine) == ["ended_by_admin", "ended_by_admin"]
    with read_session(engine) as session:
        event = session.exec(
            select(TrailEvent).where(TrailEvent.action == "user.end_sessions")
        ).one()
    assert (event.actor, event.entity_id, event.payload) == (
        "admin",
        "lan",
        '{"sessions_ended":2}',
    )
    assert act(engine, users.end_sessions, "admin", username="lan") == 0


def test_only_an_admin_ends_sessions_of_a_user_who_exists(engine: Engine) -> None:
    token = _sign_in(engine)
    refused(engine, PermissionDenied, users.end_sessions, "thu", "admin role", username="lan")
    refused(
        engine, NotFound, users.end_sessions, "admin", "no user named 'ghost'", username="ghost"
    )
    assert _signs_in(engine, token)


def test_a_session_ends_after_its_idle_lifetime(engine: Engine) -> None:
    token = _sign_in(engine)
    with clock.pinned(NOW + timedelta(minutes=29)):
        assert _signs_in(engine, token)
    with clock.pinned(NOW + timedelta(minutes=31)):
        assert not _signs_in(engine, token)
    # a request within the idle lifetime keeps it going from there
    token = _sign_in(engine)
    with clock.pinned(NOW + timedelta(minutes=20)), write_session(engine) as session:
        sessions.record_activity(session, session_id=_row(engine, token).id or 0)
    with clock.pinned(NOW + timedelta(minutes=45)):
        assert _signs_in(engine, token)
    with clock.pinned(NOW + timedelta(minutes=51)):
        assert not _signs_in(engine, token)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(engine: Engine) -> None:
    token = _sign_in(engine)
    session_id = _row(engine, token).id or 0
    for minutes in range(25, 8 * 60, 25):  # a request every 25 minutes, for 8 hours
        with clock.pinned(NOW + timedelta(minutes=minutes)):
            assert _signs_in(engine, token), minutes
            with write_session(engine) as session:
                sessions.record_activity(session, session_id=session_id)
    with clock.pinned(NOW + timedelta(hours=8, minutes=1)):
        assert not _signs_in(engine, token)
    shorter = sessions.Lifetimes.of(idle_minutes=5, max_hours=1)  # settings apply at once
    fresh = _sign_in(engine)
    with clock.pinned(NOW + timedelta(minutes=6)):
        assert _signs_in(engine, fresh)
        assert not _signs_in(engine, fresh, shorter)


def test_last_seen_is_refreshed_at_most_once_a_minute(engine: Engine) -> None:
    token = _sign_in(engine)
    with read_session(engine) as session:
        live = sessions.resume(session, token=token, lifetimes=LIFETIMES)
        assert live is not None
        assert not live.stale
    with clock.pinned(NOW + timedelta(minutes=2)), read_session(engine) as session:
        live = sessions.resume(session, token=token, lifetimes=LIFETIMES)
        assert live is not None
        assert live.stale


def test_sign_ins_close_what_ran_out_and_forget_it_later(engine: Engine) -> None:
    idle = _sign_in(engine)
    with clock.pinned(NOW + timedelta(hours=1)):
        live = _sign_in(engine, "hung")
    row = _row(engine, idle)
    assert row.end_reason == "expired"
    # ended when it ran out (30 minutes after its last request), not when it was found
    assert naive_utc(row.ended_at) == naive_utc(row.last_seen_at) + timedelta(minutes=30)
    assert _row(engine, live).end_reason == ""
    with clock.pinned(NOW + sessions.KEEP_ENDED + timedelta(hours=1)):
        _sign_in(engine, "hai")
    assert _ended(engine, "lan") == []  # ended over 30 days ago: forgotten
    assert _ended(engine, "hung") == ["expired"]  # ended 30 days ago less half an hour
    assert _ended(engine, "hai") == [""]


def test_lifetimes_end_at_the_earlier_of_the_two() -> None:
    started = datetime(2026, 12, 4, 1, 0)  # naive UTC, as SQLite gives it back
    last_seen = datetime(2026, 12, 4, 8, 50, tzinfo=UTC)
    assert LIFETIMES.ends_at(started, last_seen) == datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert LIFETIMES.ends_at(started, started) == datetime(2026, 12, 4, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("username", ["lan", "ghost"])
def test_a_failed_sign_in_opens_no_session(engine: Engine, username: str) -> None:
    from qms.errors import AuthenticationFailed

    with pytest.raises(AuthenticationFailed), write_session(engine) as session:
        logins.sign_in(
            session, username=username, password="wrong", client="x", lifetimes=LIFETIMES
        )
    with read_session(engine) as session:
        assert session.exec(select(WebSession)).all() == []
