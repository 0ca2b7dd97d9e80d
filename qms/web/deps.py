"""What a route receives: one database session per request and the signed-in user.

GET and HEAD requests read; every other method gets a write session (on SQLite it takes
the write lock at its first statement), so a route's user and its service call share one
transaction, and a failure rolls everything back.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from qms.db import read_session, write_session
from qms.domain import Role
from qms.models import User, UserRole, pk
from qms.web.errors import NotSignedIn

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def db_session(request: Request) -> Iterator[Session]:
    engine = request.app.state.engine
    open_session = read_session if request.method in SAFE_METHODS else write_session
    with open_session(engine) as session:
        yield session


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


def auth_tag(user: User) -> str:
    """Bound into the session: changing the password ends the user's other sessions."""
    return _tag(pk(user), user.password_hash)


def _tag(user_id: int, password_hash: str) -> str:
    return hashlib.sha256(f"{user_id}:{password_hash}".encode()).hexdigest()[:24]


def _session_holds(request: Request, user_id: int, active: bool, password_hash: str) -> bool:
    """The request's session still belongs to this user: active, and signed in with the
    current password."""
    return active and request.session.get("auth") == _tag(user_id, password_hash)


def optional_user(request: Request, session: Db) -> User | None:
    """The signed-in, still active user, or None (the session is then cleared)."""
    return load_user(request, session)


def load_user(request: Request, session: Session) -> User | None:
    """:func:`optional_user` for routes that open their own session."""
    user_id = request.session.get("uid")
    if user_id is None:
        return None
    rows = session.exec(
        select(User, UserRole.role)
        .outerjoin(UserRole, col(UserRole.user_id) == User.id)
        .where(User.id == user_id)
    ).all()
    user = rows[0][0] if rows else None
    if user is None or not _session_holds(request, pk(user), user.active, user.password_hash):
        request.session.clear()
        return None
    request.state.user = Viewer(
        pk(user), user.username, user.full_name, user.position, user.language
    )
    request.state.roles = {Role(role) for _, role in rows if role}  # see viewer_roles
    return user


def signed_in_id(request: Request, reader: Connection) -> int | None:
    """:func:`load_user` for the hot read paths: the same check in one query, without
    loading the user (the id, or None)."""
    user_id = request.session.get("uid")
    if user_id is None:
        return None
    row = reader.execute(
        sa_select(col(User.id), col(User.active), col(User.password_hash)).where(
            col(User.id) == user_id
        )
    ).first()
    if row is None or not _session_holds(request, row.id, row.active, row.password_hash):
        request.session.clear()
        return None
    return int(row.id)


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
