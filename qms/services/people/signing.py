"""Refused signatures: each wrong password is recorded on the trail (``signing.refused``),
and after too many in a window the signer is locked out of signing for a while, as
sign-in locks out after repeated failures (see :mod:`qms.services.people.logins`).

Every password-confirmed signature goes through :func:`confirm_signer`: a document's
issue, the approval of quality objectives and the chair's signature on review minutes
count towards one lock-out per user.

The failures are counted from the trail itself, so every process sees the same count and
the record of a lock-out is the record of the attempts that caused it.
"""

import math
from dataclasses import dataclass
from datetime import UTC, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import AuthenticationFailed, QMSError, Text
from qms.models import TrailEvent, User
from qms.services.people import unlocks, users
from qms.services.trail import chain as trail

REFUSED = "signing.refused"  # a wrong password (counted towards the lock-out)
LOCKED = "signing.locked"  # an attempt while locked out (not counted: it would never end)


@dataclass(frozen=True)
class SigningLimits:
    """How many wrong signing passwords a user may give within ``window`` before signing
    is locked for them until the oldest of those failures leaves the window."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, *, max_failures: int, window_minutes: int) -> "SigningLimits":
        return cls(max_failures=max_failures, window=timedelta(minutes=window_minutes))


class SigningLocked(QMSError):
    """Signing refused without checking the password, after repeated wrong passwords."""

    exit_code = 4
    http_status = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(
            Text(
                "too many wrong passwords when signing; signing is locked for you "
                "for {minutes} minutes",
                minutes=minutes,
            )
        )
        self.minutes = minutes
        self.about("password", option="")


def locked_for(session: Session, signer: User, limits: SigningLimits) -> int:
    """Minutes until ``signer`` may sign again (0: not locked)."""
    since = utcnow() - limits.window
    unlocked = unlocks.unlocked_at(
        session, action=unlocks.SIGNING_UNLOCKED, username=signer.username
    )
    if unlocked is not None and unlocked > since:  # refusals before an unlock are forgiven
        since = unlocked + timedelta(microseconds=1)
    count, oldest = session.exec(
        select(func.count(), func.min(TrailEvent.at))
        .where(TrailEvent.action == REFUSED, TrailEvent.actor == signer.username)
        .where(col(TrailEvent.at) >= since)
    ).one()
    if int(count) < limits.max_failures or oldest is None:
        return 0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return max(1, math.ceil((oldest + limits.window - utcnow()).total_seconds() / 60))


def confirm_signer(
    session: Session,
    *,
    signer: User,
    password: str,
    limits: SigningLimits | None,
    entity: str,
    entity_id: str,
    meaning: str,
) -> None:
    """Check the password ``signer`` typed to sign ``entity``/``entity_id``.

    While the signer is locked out the attempt is refused without checking the password;
    a wrong password is refused and counts towards the lock-out. Either way the caller's
    transaction is rolled back and only the record of the attempt is committed."""
    limits = limits or SigningLimits()
    minutes = locked_for(session, signer, limits)
    refusal: QMSError = SigningLocked(minutes)
    if not minutes:
        try:
            users.confirm_password(signer, password)
            return
        except AuthenticationFailed as wrong:
            refusal = wrong.about("password", option="")
    record_refusal(
        session,
        signer=signer,
        entity=entity,
        entity_id=entity_id,
        meaning=meaning,
        action=LOCKED if minutes else REFUSED,
    )
    raise refusal


def record_refusal(
    session: Session, *, signer: User, entity: str, entity_id: str, meaning: str, action: str
) -> None:
    """Put a refused signing on the trail and commit it on its own: whatever the step had
    changed so far is rolled back first, so only the record of the attempt is kept."""
    username = signer.username
    session.rollback()
    trail.record(
        session,
        actor=username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        payload={"new": {"meaning": meaning}},
    )
    session.commit()
