"""What a route receives: one database session per request and the signed-in user.

GET and HEAD requests read; every other method gets a write session (on SQLite it takes
the write lock at its first statement), so a route's user and its service call share one
transaction, and a failure rolls everything back.
"""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from qms.db import read_session, write_session
from qms.domain import Role
from qms.models import User, pk
from qms.services.people import sessions
from qms.services.people.signing import SigningLimits
from qms.web.errors import NotSignedIn
from qms.web.pages import CSRF_SESSION_KEY

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The key of the session token in the signed cookie (which also keeps the anti-forgery
# token and flash messages of anonymous visitors: being signed in is the server's row).
SESSION_TOKEN_KEY = "sid"  # noqa: S105  (a key name)


def db_session(request: Request) -> Iterator[Session]:
    engine = request.app.state.engine
    open_session = read_session if request.method in SAFE_METHODS else write_session
    with open_session(engine) as session:
        request.state.db = session  # a page's bell counts in it (see qms.web.pages)
        try:
            yield session
        finally:
            request.state.db = None


Db = Annotated[Session, Depends(db_session)]


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user: plain values that outlive the database
    session (an error page is rendered after the request's transaction rolled back)."""

    id: int
    username: str
    full_name: str
    position: str
    language: str


def session_token(request: Request) -> str | None:
    """The session token the request's cookie carries, if any."""
    token = request.session.get(SESSION_TOKEN_KEY)
    return token if isinstance(token, str) and token else None


def start_session(request: Request, token: str) -> None:
    """Put a new sign-in's token in the cookie, with a new anti-forgery token; anything
    the cookie held before is dropped (no session fixation)."""
    request.session.clear()
    request.session.update({SESSION_TOKEN_KEY: token, CSRF_SESSION_KEY: secrets.token_urlsafe(32)})


def lifetimes(request: Request) -> sessions.Lifetimes:
    found: sessions.Lifetimes = request.app.state.session_lifetimes
    return found


def signing_limits(request: Request) -> SigningLimits:
    found: SigningLimits = request.app.state.signing_limits
    return found


Limits = Annotated[SigningLimits, Depends(signing_limits)]


def optional_user(request: Request, session: Db) -> User | None:
    """The signed-in, still active user, or None (the cookie's session is then cleared)."""
    return load_user(request, session)


def load_user(request: Request, session: Session) -> User | None:
    """:func:`optional_user` for routes that open their own session."""
    token = session_token(request)
    if token is None:
        return None
    live = sessions.resume(session, token=token, lifetimes=lifetimes(request))
    if live is None:
        request.session.clear()
        return None
    if live.stale:
        if request.method in SAFE_METHODS:
            _record_activity(request, live.session_id)
        else:  # the request's own transaction writes: its service's commit carries it
            sessions.note_activity(session, session_id=live.session_id)
    user = live.user
    _mark_signed_in(request)
    request.state.user = Viewer(
        pk(user), user.username, user.full_name, user.position, user.language
    )
    request.state.roles = set(live.roles)  # see viewer_roles
    return user


def admit(request: Request, live: sessions.Live | None) -> int | None:
    """The signed-in user's id for a session a hot path found (None: the cookie's session
    is cleared); records the request's activity when "last seen" is due."""
    if live is None:
        request.session.clear()
        return None
    if live.stale:
        _record_activity(request, live.session_id)
    _mark_signed_in(request)
    return live.user_id


def _record_activity(request: Request, session_id: int) -> None:
    """Refresh "last seen" (about once a minute) in a short transaction of its own, beside
    the request's read-only one."""
    with write_session(request.app.state.engine) as writer:
        sessions.record_activity(writer, session_id=session_id)


def _mark_signed_in(request: Request) -> None:
    """The response will carry ``Cache-Control: no-store`` (see qms.web.app)."""
    request.state.signed_in = True


MaybeUser = Annotated[User | None, Depends(optional_user)]


async def current_user(user: MaybeUser) -> User:
    """Async: no I/O here, so no trip through the thread pool."""
    if user is None:
        raise NotSignedIn()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def viewer_roles(request: Request, _signed_in: CurrentUser) -> set[Role]:
    """The signed-in user's roles, loaded with the user: a page that offers steps by role
    asks the database once (the services still check each step themselves)."""
    return set(request.state.roles)


Roles = Annotated[set[Role], Depends(viewer_roles)]
