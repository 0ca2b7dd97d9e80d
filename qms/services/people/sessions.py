"""Web sign-in sessions, kept on the server so that ending one ends it for every copy of
its cookie, on every worker and machine.

Signing in creates a row and a random token; the cookie carries the token and the table
only its SHA-256. A request is signed in while its token's row is live: not ended (sign
out, password change, deactivation, an admin's "end sessions") and within both lifetimes,
idle (since the last request) and absolute (since signing in). The lifetimes are settings
and apply to existing sessions at once. "Last seen" is written at most once a minute, so
reading pages does not mean writing the database on every request.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from qms.clock import naive_utc, utcnow
from qms.domain import Role, SessionEnd
from qms.models import User, UserRole, WebSession, pk
from qms.services.trail import chain as trail

# "Last seen" is refreshed when it is older than this, so an idle lifetime runs out
# between ``idle`` and ``idle`` + one minute after the last request.
REFRESH_AFTER = timedelta(minutes=1)
# Ended sessions stay this long (who was signed in from where, and how it ended).
KEEP_ENDED = timedelta(days=30)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def of(cls, *, idle_minutes: int, max_hours: int) -> "Lifetimes":
        return cls(idle=timedelta(minutes=idle_minutes), absolute=timedelta(hours=max_hours))

    def ends_at(self, created_at: datetime, last_seen_at: datetime) -> datetime:
        """When a session begun at ``created_at`` and last used at ``last_seen_at`` runs
        out (stored times, naive or aware, in; an aware UTC time out)."""
        return min(_utc(last_seen_at) + self.idle, _utc(created_at) + self.absolute)


@dataclass(frozen=True)
class Live:
    """A live session, as the hottest read paths see it: ids only."""

    session_id: int
    user_id: int
    stale: bool  # "last seen" is over a minute old: record this request's activity


@dataclass(frozen=True)
class Resumed(Live):
    """A live session with its user's row and roles, for pages."""

    user: User
    roles: frozenset[Role]


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, user: User, client: str, lifetimes: Lifetimes) -> str:
    """A new session for ``user``, who has just proved their password; the token for the
    cookie is returned and is nowhere else. Sessions that ran out are closed on the way.
    The caller commits (with the sign-in it records)."""
    sweep(session, lifetimes=lifetimes)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_sha256=token_sha256(token),
            user_id=pk(user),
            client=client[:64],
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def resume(session: Session, *, token: str, lifetimes: Lifetimes) -> Resumed | None:
    """The live session ``token`` belongs to, with its active user and their roles (one
    query), or None."""
    rows = session.exec(
        select(WebSession, User, UserRole.role)
        .join(User, col(User.id) == col(WebSession.user_id))
        .outerjoin(UserRole, col(UserRole.user_id) == col(User.id))
        .where(
            WebSession.token_sha256 == token_sha256(token),
            col(WebSession.ended_at).is_(None),
            col(User.active).is_(True),
        )
    ).all()
    if not rows:
        return None
    row, user, _ = rows[0]
    stale = _stale(row.created_at, row.last_seen_at, lifetimes)
    if stale is None:
        return None
    roles = frozenset(Role(role) for _, _, role in rows if role)
    return Resumed(pk(row), pk(user), stale, user=user, roles=roles)


def live_or_none(
    session_id: int,
    user_id: int,
    created_at: datetime,
    last_seen_at: datetime,
    *,
    lifetimes: Lifetimes,
) -> Live | None:
    """A session row found open with an active user, as :class:`Live`; None when one of
    its lifetimes has run out (for queries that read the session beside other things)."""
    stale = _stale(created_at, last_seen_at, lifetimes)
    if stale is None:
        return None
    return Live(int(session_id), int(user_id), stale)


def _stale(created_at: datetime, last_seen_at: datetime, lifetimes: Lifetimes) -> bool | None:
    """None when the session has run out, else whether its "last seen" needs refreshing."""
    now = utcnow()
    if now >= lifetimes.ends_at(created_at, last_seen_at):
        return None
    return now - _utc(last_seen_at) >= REFRESH_AFTER


def _utc(stored: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives naive UTC, PostgreSQL an aware time)."""
    return naive_utc(stored).replace(tzinfo=UTC)


def note_activity(session: Session, *, session_id: int) -> None:
    """Record a request on the session, in the caller's transaction (for a request that
    writes anyway: its service's commit carries this along)."""
    session.execute(
        update(WebSession)
        .where(col(WebSession.id) == session_id, col(WebSession.ended_at).is_(None))
        .values(last_seen_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def record_activity(session: Session, *, session_id: int) -> None:
    """:func:`note_activity` in a transaction of its own (for requests that only read)."""
    note_activity(session, session_id=session_id)
    session.commit()


def sign_out(session: Session, *, token: str) -> None:
    """End the session ``token`` belongs to (the user signs out) and put it on the trail;
    a token that signs nobody in changes nothing."""
    found = session.exec(
        select(WebSession.id, WebSession.client, User.username)
        .join(User, col(User.id) == col(WebSession.user_id))
        .where(WebSession.token_sha256 == token_sha256(token), col(WebSession.ended_at).is_(None))
    ).first()
    if found is None:
        return
    session_id, client, username = found
    if not _close(session, _by_id(session_id), SessionEnd.LOGOUT, utcnow()):
        return  # ended meanwhile by another request
    trail.record(
        session,
        actor=username,
        action="user.logout",
        entity="user",
        entity_id=username,
        payload={"old": {"client": client}},
    )
    session.commit()


def end_all(
    session: Session, *, user: User, reason: SessionEnd, keep_token: str | None = None
) -> int:
    """End every session of ``user`` but the one ``keep_token`` belongs to; how many
    ended. The caller writes the trail and commits, with the change that called for it."""
    which = col(WebSession.user_id) == pk(user)
    if keep_token is not None:
        which = which & (col(WebSession.token_sha256) != token_sha256(keep_token))
    return _close(session, which, reason, utcnow())


def renew_token(session: Session, *, user: User, token: str) -> str | None:
    """The same session of ``user`` under a new token (after a password change, a copy of
    the cookie from before it no longer works); None if ``token`` is not a session of
    theirs that is still open."""
    renewed = secrets.token_urlsafe(32)
    result = session.execute(
        update(WebSession)
        .where(
            col(WebSession.token_sha256) == token_sha256(token),
            col(WebSession.user_id) == pk(user),
            col(WebSession.ended_at).is_(None),
        )
        .values(token_sha256=token_sha256(renewed))
        .execution_options(synchronize_session=False)
    )
    return renewed if _count(result) == 1 else None


def sweep(session: Session, *, lifetimes: Lifetimes) -> None:
    """Close the sessions that ran out (ended when they ran out, as expired) and forget
    those that ended more than :data:`KEEP_ENDED` ago. The caller commits.

    Rows are closed one statement each, in id order, so concurrent sign-ins on
    PostgreSQL take the rows' locks in the same order and never deadlock."""
    now = utcnow()
    overdue = session.exec(
        select(WebSession.id, WebSession.created_at, WebSession.last_seen_at)
        .where(
            col(WebSession.ended_at).is_(None),
            (col(WebSession.last_seen_at) <= now - lifetimes.idle)
            | (col(WebSession.created_at) <= now - lifetimes.absolute),
        )
        .order_by(col(WebSession.id))
    ).all()
    for session_id, created_at, last_seen_at in overdue:
        ran_out = lifetimes.ends_at(created_at, last_seen_at)
        _close(session, _by_id(session_id), SessionEnd.EXPIRED, ran_out)
    session.execute(
        delete(WebSession)
        .where(col(WebSession.ended_at) < now - KEEP_ENDED)
        .execution_options(synchronize_session=False)
    )


def _by_id(session_id: int | None) -> ColumnElement[bool]:
    return col(WebSession.id) == session_id


def _close(session: Session, which: ColumnElement[bool], reason: SessionEnd, at: datetime) -> int:
    """End the open sessions ``which`` selects (one statement, no objects loaded: a row
    another transaction ended or removed meanwhile is skipped); how many."""
    result = session.execute(
        update(WebSession)
        .where(which, col(WebSession.ended_at).is_(None))
        .values(ended_at=at, end_reason=reason.value)
        .execution_options(synchronize_session=False)
    )
    return _count(result)


def _count(result: Result[Any]) -> int:
    """The rows an UPDATE changed (reliable on SQLite and PostgreSQL alike)."""
    assert isinstance(result, CursorResult)
    return result.rowcount
