"""Web sign-in: password check with throttling after repeated failures, the session it
opens, and the key that signs cookies (shared by every worker through the database)."""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import QMSError, Text
from qms.models import LoginAttempt, Setting, User
from qms.services.people import sessions, unlocks, users
from qms.services.trail import chain as trail

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20
SECRET_KEY_SETTING = "web.secret_key"  # noqa: S105  (a setting name)


class TooManyAttempts(QMSError):
    """Sign-in refused without checking the password, after repeated failures."""

    exit_code = 4
    http_status = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(
            Text("too many failed sign-ins; try again in {minutes} minutes", minutes=minutes)
        )
        self.minutes = minutes


@dataclass(frozen=True)
class ThrottleState:
    user_failures: int
    client_failures: int
    retry_in_minutes: int


def _failures(session: Session, *, username: str, client: str) -> ThrottleState:
    since = utcnow() - WINDOW
    base = select(func.count(), func.min(LoginAttempt.at)).where(
        col(LoginAttempt.at) >= since, col(LoginAttempt.succeeded).is_(False)
    )
    unlocked = unlocks.unlocked_at(session, action=unlocks.SIGN_IN_UNLOCKED, username=username)
    of_user = base.where(LoginAttempt.username == username)
    if unlocked is not None:  # an admin lifted the lock: earlier failures no longer count
        of_user = of_user.where(col(LoginAttempt.at) > unlocked)
    by_user, first_user = session.exec(of_user).one()
    by_client, first_client = session.exec(base.where(LoginAttempt.client == client)).one()
    oldest = [t for t in (first_user, first_client) if t is not None]
    retry = 0
    if oldest:
        first = min(oldest)
        if first.tzinfo is None:
            first = first.replace(tzinfo=utcnow().tzinfo)
        retry = max(1, math.ceil((first + WINDOW - utcnow()).total_seconds() / 60))
    return ThrottleState(int(by_user), int(by_client), retry)


def sign_in_locked_for(session: Session, *, username: str) -> int:
    """Minutes until ``username`` may try to sign in again (0: not locked); the lock of
    a client address is not the user's and is left out."""
    state = _failures(session, username=username, client="")
    return state.retry_in_minutes if state.user_failures >= MAX_FAILURES_PER_USER else 0


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str  # the new session's token, for the cookie only


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    lifetimes: sessions.Lifetimes,
) -> SignedIn:
    """Check the password unless this user or client has failed too often lately, and
    open a session.

    Every attempt is recorded; a failure is committed even though the caller gets an
    error, because throttling depends on it. Successful sign-ins go on the trail.
    """
    username = username.strip().lower()[:64]
    client = client[:64]
    state = _failures(session, username=username, client=client)
    if (
        state.user_failures >= MAX_FAILURES_PER_USER
        or state.client_failures >= MAX_FAILURES_PER_CLIENT
    ):
        raise TooManyAttempts(state.retry_in_minutes)
    try:
        user = users.authenticate(session, username=username, password=password)
    except QMSError:
        session.add(LoginAttempt(username=username, client=client, succeeded=False, at=utcnow()))
        session.commit()
        raise
    session.add(LoginAttempt(username=username, client=client, succeeded=True, at=utcnow()))
    token = sessions.start(session, user=user, client=client, lifetimes=lifetimes)
    trail.record(
        session,
        actor=user.username,
        action="user.login",
        entity="user",
        entity_id=user.username,
        payload={"new": {"client": client}},
    )
    session.commit()
    return SignedIn(user, token)


def session_secret(session: Session) -> str:
    """The key that signs session cookies: created once, then read by every worker."""
    row = session.get(Setting, SECRET_KEY_SETTING)
    if row is not None:
        return row.value
    session.add(Setting(key=SECRET_KEY_SETTING, value=secrets.token_urlsafe(48)))
    try:
        session.commit()
    except IntegrityError:  # another worker created it first
        session.rollback()
    row = session.get(Setting, SECRET_KEY_SETTING)
    assert row is not None
    return row.value
