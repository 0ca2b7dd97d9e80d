"""Departments, users, roles and authentication."""

import re
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import Role, SessionEnd, validate_language
from qms.errors import (
    AuthenticationFailed,
    Conflict,
    Joined,
    NotFound,
    PermissionDenied,
    QMSError,
    Text,
    ValidationError,
)
from qms.models import Department, User, UserRole, pk
from qms.phrases import any_role
from qms.services.fields import one_line
from qms.services.people import passwords, sessions
from qms.services.trail import chain as trail
from qms.settings import is_mail_address
from qms.text import clean

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
_DEPT_CODE = re.compile(r"^[A-Z][A-Z0-9-]{0,15}$")
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "password must have at least {count} characters", count=MIN_PASSWORD_LENGTH
        )
    return passwords.hash_password(password)


def checked_password_hash(password_hash: str) -> str:
    """A password hash made beforehand, if it is an argon2id hash with our parameters."""
    if not passwords.is_our_hash(password_hash):
        raise ValidationError(
            "the password hash must be an argon2id hash made with the parameters of qms "
            "(make one with 'qms user hash-password')"
        )
    return password_hash


def roles_of(session: Session, user: User) -> set[Role]:
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    return {Role(r) for r in rows}


def require_role(session: Session, user: User, *allowed: Role, action: Text) -> None:
    """Refuse unless ``user`` holds one of ``allowed``; the message names what is missing."""
    if not roles_of(session, user) & set(allowed):
        raise PermissionDenied(
            "{user} cannot {action}: it needs the {roles} role",
            user=user.username,
            action=action,
            roles=any_role(allowed),
        )


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound("no user named {username!r}", username=username)
    return user


def get_active_user(session: Session, username: str) -> User:
    user = get_user(session, username)
    if not user.active:
        raise PermissionDenied("user {user} is deactivated", user=user.username)
    return user


def authenticate(session: Session, *, username: str, password: str) -> User:
    """Check a password; neither the message nor the work done reveals whether the user
    exists or is active: without an active user the password is checked against a dummy
    hash, so every attempt costs one argon2 verification."""
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None or not user.active:
        passwords.verify(passwords.dummy_hash(), password)
        raise AuthenticationFailed("wrong username or password for {username!r}", username=username)
    if not _password_matches(user, password):
        raise AuthenticationFailed("wrong username or password for {username!r}", username=username)
    return user


def confirm_password(user: User, password: str) -> None:
    """Signing asks for the signer's password again."""
    if not _password_matches(user, password):
        raise AuthenticationFailed("wrong password for {user}", user=user.username)


def _password_matches(user: User, password: str) -> bool:
    return passwords.verify(user.password_hash, password)


def get_department(session: Session, code: str) -> Department:
    dept = session.exec(select(Department).where(Department.code == code.strip().upper())).first()
    if dept is None:
        raise NotFound("no department with code {code!r}", code=code)
    return dept


def list_departments(session: Session) -> list[Department]:
    return list(session.exec(select(Department).order_by(col(Department.code))).all())


def list_users(session: Session) -> list[tuple[User, set[Role]]]:
    users = session.exec(select(User).order_by(col(User.username))).all()
    return [(u, roles_of(session, u)) for u in users]


def create_department(
    session: Session, *, actor: User | None, code: str, name: str, name_en: str = ""
) -> Department:
    """Create a department (admin; or anyone before the first user exists)."""
    _require_admin_or_bootstrap(session, actor, Text("create departments"))
    dept = add_department(
        session, actor_name=_actor_name(actor), code=code, name=name, name_en=name_en
    )
    session.commit()
    return dept


def add_department(
    session: Session, *, actor_name: str, code: str, name: str, name_en: str = ""
) -> Department:
    """Validate and add a department without committing (permission checked by the caller)."""
    code = clean(code).upper()
    with _about("code"):
        if not _DEPT_CODE.match(code):
            raise ValidationError(
                "department code {code!r} must be 1-16 capital letters, digits or '-', "
                "starting with a letter",
                code=code,
            )
    with _about("name"):
        name = one_line(name, field=Text("department name"))
        if not name:
            raise ValidationError("a department needs a name")
        _check_length(Text("department name"), name, 200)
    with _about("name_en"):
        name_en = one_line(name_en, field=Text("English department name"))
        _check_length(Text("English department name"), name_en, 200)
    with _about("code"):
        if session.exec(select(Department).where(Department.code == code)).first():
            raise Conflict("department {code} already exists", code=code)
    dept = Department(code=code, name=name, name_en=name_en)
    session.add(dept)
    session.flush()
    trail.record(
        session,
        actor=actor_name,
        action="department.create",
        entity="department",
        entity_id=code,
        payload={"new": {"code": code, "name": dept.name, "name_en": dept.name_en}},
    )
    return dept


def rename_department(
    session: Session, *, actor: User, code: str, name: str, name_en: str = ""
) -> Department:
    """Change a department's names (admin); its code, which documents and records carry,
    stays."""
    require_role(session, actor, Role.ADMIN, action=Text("rename departments"))
    dept = get_department(session, code)
    with _about("name"):
        name = one_line(name, field=Text("department name"))
        if not name:
            raise ValidationError("a department needs a name")
        _check_length(Text("department name"), name, 200)
    with _about("name_en"):
        name_en = one_line(name_en, field=Text("English department name"))
        _check_length(Text("English department name"), name_en, 200)
    old = {"name": dept.name, "name_en": dept.name_en}
    new = {"name": name, "name_en": name_en}
    if old != new:
        dept.name, dept.name_en = name, name_en
        session.add(dept)
        trail.record(
            session,
            actor=actor.username,
            action="department.rename",
            entity="department",
            entity_id=dept.code,
            payload={"old": old, "new": new},
        )
    session.commit()
    return dept


def create_user(
    session: Session,
    *,
    actor: User | None,
    username: str,
    full_name: str,
    password: str,
    roles: list[str],
    department: str | None = None,
    position: str = "",
    language: str = "vi",
    email: str = "",
) -> User:
    """Create a user. With no users yet, ``actor`` may be None to create the first admin."""
    _require_admin_or_bootstrap(session, actor, Text("create users"))
    if actor is None and Role.ADMIN not in _parse_roles(roles):
        raise ValidationError("the first user must have the admin role")
    user = add_user(
        session,
        actor_name=_actor_name(actor),
        username=username,
        full_name=full_name,
        password=password,
        roles=roles,
        department=department,
        position=position,
        language=language,
        email=email,
    )
    session.commit()
    return user


def add_user(
    session: Session,
    *,
    actor_name: str,
    username: str,
    full_name: str,
    password: str,
    roles: list[str],
    department: str | None = None,
    position: str = "",
    language: str = "vi",
    email: str = "",
    password_hash: Future[str] | str | None = None,
) -> User:
    """Validate and add a user without committing (permission checked by the caller).
    Each refusal says which input it is about, for a form to show it beside its field.

    ``password_hash``: the hash of ``password`` being made meanwhile by
    :func:`hash_password` (a caller adding many users hashes theirs on both cores), or a
    hash made beforehand in place of a password (an organisation file's, made with
    ``qms user hash-password``), taken only if :func:`checked_password_hash` takes it."""
    username = username.strip().lower()
    with _about("username"):
        if not _USERNAME.match(username):
            raise ValidationError(
                "username {username!r} must be 2-64 lower-case letters, digits, '.', '_' or '-'",
                username=username,
            )
    with _about("full_name"):
        full_name = one_line(full_name, field=Text("full name"))
        if not full_name:
            raise ValidationError("a user needs a full name")
        _check_length(Text("full name"), full_name, 200)
    with _about("roles"):
        parsed_roles = _parse_roles(roles)
    with _about("language"):
        validate_language(language)
    with _about("position"):
        position = one_line(position, field=Text("position"))
        _check_length(Text("position"), position, 200)
    with _about("email"):
        email = email.strip()
        if email and not is_mail_address(email):
            raise ValidationError(
                "{value!r} is not a mail address (like name@example.vn)", value=email
            )
    with _about("username"):
        if session.exec(select(User).where(User.username == username)).first():
            raise Conflict("user {username} already exists", username=username)
    with _about("department"):
        dept = get_department(session, department) if department else None
    with _about("password"):
        if isinstance(password_hash, str):
            hashed = checked_password_hash(password_hash)
        else:
            hashed = password_hash.result() if password_hash else hash_password(password)
    user = User(
        username=username,
        full_name=full_name,
        position=position,
        email=email,
        department_id=dept.id if dept else None,
        password_hash=hashed,
        language=language,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    for role in sorted(parsed_roles):
        session.add(UserRole(user_id=pk(user), role=role.value))
    trail.record(
        session,
        actor=actor_name,
        action="user.create",
        entity="user",
        entity_id=username,
        payload={
            "new": {
                "username": username,
                "full_name": user.full_name,
                "position": user.position,
                "department": dept.code if dept else None,
                "roles": sorted(r.value for r in parsed_roles),
                **({"email": email} if email else {}),
            }
        },
    )
    return user


def set_roles(session: Session, *, actor: User, username: str, roles: list[str]) -> User:
    require_role(session, actor, Role.ADMIN, action=Text("change roles"))
    user = get_user(session, username)
    new = _parse_roles(roles)
    old = roles_of(session, user)
    if user.id == actor.id and Role.ADMIN in old and Role.ADMIN not in new:
        raise PermissionDenied("you cannot remove your own admin role")
    for row in session.exec(select(UserRole).where(UserRole.user_id == user.id)).all():
        session.delete(row)
    session.flush()
    for role in sorted(new):
        session.add(UserRole(user_id=pk(user), role=role.value))
    trail.record(
        session,
        actor=actor.username,
        action="user.roles",
        entity="user",
        entity_id=user.username,
        payload={"old": sorted(r.value for r in old), "new": sorted(r.value for r in new)},
    )
    session.commit()
    return user


def set_department(session: Session, *, actor: User, username: str, department: str | None) -> User:
    """Move a user to another department, or to none (admin)."""
    require_role(session, actor, Role.ADMIN, action=Text("change users' departments"))
    user = get_user(session, username)
    dept = get_department(session, department) if department else None
    old = department_code(session, user)
    new = dept.code if dept else None
    if old != new:
        user.department_id = dept.id if dept else None
        session.add(user)
        trail.record(
            session,
            actor=actor.username,
            action="user.department",
            entity="user",
            entity_id=user.username,
            payload={"old": old, "new": new},
        )
    session.commit()
    return user


def set_active(session: Session, *, actor: User, username: str, active: bool) -> User:
    require_role(session, actor, Role.ADMIN, action=Text("activate or deactivate users"))
    user = get_user(session, username)
    if user.id == actor.id and not active:
        raise PermissionDenied("you cannot deactivate yourself")
    if user.active != active:
        payload: dict[str, object] = {"old": {"active": user.active}, "new": {"active": active}}
        if not active:  # a deactivated user is signed out everywhere
            ended = sessions.end_all(session, user=user, reason=SessionEnd.DEACTIVATED)
            payload["sessions_ended"] = ended
        trail.record(
            session,
            actor=actor.username,
            action="user.activate" if active else "user.deactivate",
            entity="user",
            entity_id=user.username,
            payload=payload,
        )
        user.active = active
        session.add(user)
    session.commit()
    return user


def end_sessions(session: Session, *, actor: User, username: str) -> int:
    """Sign a user out everywhere (admin): every session of theirs ends now, whatever
    device or copy of a cookie holds it. How many were open."""
    require_role(session, actor, Role.ADMIN, action=Text("end users' sessions"))
    user = get_user(session, username)
    ended = sessions.end_all(session, user=user, reason=SessionEnd.ENDED_BY_ADMIN)
    trail.record(
        session,
        actor=actor.username,
        action="user.end_sessions",
        entity="user",
        entity_id=user.username,
        payload={"sessions_ended": ended},
    )
    session.commit()
    return ended


def change_password(
    session: Session,
    *,
    actor: User,
    username: str,
    new_password: str,
    old_password: str | None,
    current_token: str | None = None,
) -> str | None:
    """Users change their own password (old one required); admins reset anyone's.

    Every session of the user ends, except the one the change was made in
    (``current_token``), which goes on under a new token: it is returned for the cookie,
    so a copy of the cookie taken before the change stops working too.
    """
    user = get_user(session, username)
    if user.id == actor.id:
        if old_password is None:
            raise ValidationError("give your current password to change it")
        confirm_password(user, old_password)
    else:
        require_role(session, actor, Role.ADMIN, action=Text("reset another user's password"))
    user.password_hash = hash_password(new_password)
    session.add(user)
    ended = sessions.end_all(
        session, user=user, reason=SessionEnd.PASSWORD_CHANGED, keep_token=current_token
    )
    renewed = (
        sessions.renew_token(session, user=user, token=current_token) if current_token else None
    )
    trail.record(
        session,
        actor=actor.username,
        action="user.password",
        entity="user",
        entity_id=user.username,
        payload={
            "reason": "changed by the user" if user.id == actor.id else "reset by admin",
            "sessions_ended": ended,
        },
    )
    session.commit()
    return renewed


@contextmanager
def _about(field: str) -> Iterator[None]:
    """Refusals inside name ``field`` as the input they are about (the command line gives
    these inputs as arguments or prompts, so it names no option)."""
    try:
        yield
    except QMSError as exc:
        raise exc.about(field, option="") from None


def _parse_roles(roles: list[str]) -> set[Role]:
    parsed: set[Role] = set()
    for raw in roles:
        for name in raw.split(","):
            name = name.strip().lower()
            if not name:
                continue
            try:
                parsed.add(Role(name))
            except ValueError:
                raise ValidationError(
                    "unknown role {name!r} (roles: {choices})",
                    name=name,
                    choices=Joined([r.value for r in Role]),
                ) from None
    if not parsed:
        raise ValidationError("a user needs at least one role")
    return parsed


def _require_admin_or_bootstrap(session: Session, actor: User | None, action: Text) -> None:
    if actor is not None:
        require_role(session, actor, Role.ADMIN, action=action)
    elif session.exec(select(User.id).limit(1)).first() is not None:
        raise PermissionDenied("give the acting admin (--as) to {action}", action=action)


def _actor_name(actor: User | None) -> str:
    return actor.username if actor else "system"


def department_by_id(session: Session, department_id: int) -> Department:
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFound("no department with id {id}", id=department_id)
    return dept


def department_code(session: Session, user: User) -> str | None:
    return department_by_id(session, user.department_id).code if user.department_id else None


def _check_length(label: Text, value: str, limit: int) -> None:
    if len(clean(value)) > limit:
        raise ValidationError(
            "the {field} is longer than {limit} characters", field=label, limit=limit
        )


def set_language(session: Session, *, actor: User, language: str) -> User:
    """A user's choice of interface language (vi or en)."""
    validate_language(language)
    if actor.language != language:
        actor.language = language
        session.add(actor)
        session.commit()
    return actor
