"""What the administration pages show of users: one row per user with their roles,
department and whether their sign-in or signing is locked; and initial passwords."""

import secrets
from dataclasses import dataclass

from sqlmodel import Session

from qms.domain import Role
from qms.errors import Text
from qms.models import User
from qms.services.people import logins, users
from qms.services.people.signing import SigningLimits, locked_for

# Letters and digits that cannot be mistaken for one another when read aloud or copied.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    position: str
    email: str
    language: str
    department: str | None
    roles: tuple[str, ...]
    active: bool
    sign_in_locked_minutes: int
    signing_locked_minutes: int


def new_password() -> str:
    """An initial password to give a new user (or on a reset), shown once."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(GENERATED_LENGTH))


def accounts(
    session: Session,
    *,
    viewer: User,
    limits: SigningLimits,
    department: str | None = None,
    role: str | None = None,
    active: bool | None = None,
) -> list[Account]:
    """Every user the filters keep, for an admin."""
    users.require_role(session, viewer, Role.ADMIN, action=Text("administer users"))
    codes = {d.id: d.code for d in users.list_departments(session)}
    dept = users.get_department(session, department).code if department else None
    wanted = Role(role) if role else None
    rows = []
    for user, roles in users.list_users(session):
        code = codes.get(user.department_id) if user.department_id else None
        if (dept and code != dept) or (wanted and wanted not in roles):
            continue
        if active is not None and user.active != active:
            continue
        rows.append(_account(session, user, roles, code, limits))
    return rows


def account(session: Session, *, viewer: User, username: str, limits: SigningLimits) -> Account:
    users.require_role(session, viewer, Role.ADMIN, action=Text("administer users"))
    user = users.get_user(session, username)
    return _account(
        session, user, users.roles_of(session, user), users.department_code(session, user), limits
    )


def _account(
    session: Session, user: User, roles: set[Role], dept: str | None, limits: SigningLimits
) -> Account:
    return Account(
        username=user.username,
        full_name=user.full_name,
        position=user.position,
        email=user.email or "",
        language=user.language,
        department=dept,
        roles=tuple(r.value for r in Role if r in roles),
        active=user.active,
        sign_in_locked_minutes=logins.sign_in_locked_for(session, username=user.username),
        signing_locked_minutes=locked_for(session, user, limits),
    )
