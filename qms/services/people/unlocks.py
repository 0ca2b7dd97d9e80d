"""Lifting a lock-out before it ends by itself: an admin unlocks a user's sign-in (locked
after repeated wrong passwords at the sign-in page) or their signing (locked after
repeated wrong passwords when signing). The unlock is an event on the trail, and the
failures before it no longer count: nothing is deleted."""

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from qms.domain import Role
from qms.errors import Text
from qms.models import TrailEvent, User
from qms.services.people import users
from qms.services.trail import chain as trail

SIGN_IN_UNLOCKED = "user.unlock_sign_in"
SIGNING_UNLOCKED = "user.unlock_signing"


def unlocked_at(session: Session, *, action: str, username: str) -> datetime | None:
    """When ``username``'s sign-in or signing (``action``) was last unlocked, if ever."""
    at = session.exec(
        select(func.max(TrailEvent.at)).where(
            TrailEvent.action == action,
            TrailEvent.entity == "user",
            TrailEvent.entity_id == username,
        )
    ).one()
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at


def unlock_sign_in(session: Session, *, actor: User, username: str) -> User:
    """Let ``username`` try to sign in again at once (admin)."""
    return _unlock(session, actor, username, SIGN_IN_UNLOCKED, Text("unlock sign-in"))


def unlock_signing(session: Session, *, actor: User, username: str) -> User:
    """Let ``username`` sign again at once (admin)."""
    return _unlock(session, actor, username, SIGNING_UNLOCKED, Text("unlock signing"))


def _unlock(session: Session, actor: User, username: str, action: str, what: Text) -> User:
    users.require_role(session, actor, Role.ADMIN, action=what)
    user = users.get_user(session, username)
    trail.record(
        session,
        actor=actor.username,
        action=action,
        entity="user",
        entity_id=user.username,
        payload={},
    )
    session.commit()
    return user
