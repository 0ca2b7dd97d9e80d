"""Organisation-wide settings kept in the database, and loading an organisation file."""

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, select

from qms.clock import local_today
from qms.domain import LANGUAGES, Role
from qms.errors import PermissionDenied, QMSError, Text, ValidationError
from qms.models import Department, Setting, User
from qms.services.fields import one_line
from qms.services.people import passwords, users
from qms.services.trail import chain as trail

DEFAULTS = {
    "organisation.name": "",
    "organisation.name_en": "",
    "organisation.language": "vi",
    "timezone": "Asia/Ho_Chi_Minh",
}

# The words stamped across superseded and obsolete copies, as the organisation's document
# control procedure prescribes them; unset: the catalog's words for each state.
STAMP_SETTING = "documents.stamp"
STAMP_LIMIT = 40


def stamp_text(value: str, label: Text) -> str:
    """``value`` as kept for the stamp: one line, not empty, at most 40 characters (it is
    drawn across the page in large type)."""
    text = one_line(value, field=label)
    if not text:
        raise ValidationError("the {field} must not be empty", field=label)
    if len(text) > STAMP_LIMIT:
        raise ValidationError(
            "the {field} is longer than {limit} characters", field=label, limit=STAMP_LIMIT
        )
    return text


# The settings a transaction has read, kept in its session's info until it ends: a page
# asks for the same few settings many times, and one that is not set (the usual case)
# would otherwise be looked for in the database at each ask.
_READ = "qms.settings_read"


@event.listens_for(Session, "after_transaction_end")
def _forget_settings(session: Session, transaction: SessionTransaction) -> None:
    session.info.pop(_READ, None)


def get_setting(session: Session, key: str) -> str:
    """The organisation's value of ``key``, else its default. The first read in a
    transaction reads every setting at once (a handful of short rows): a page asks for
    several, and one query costs about what each would."""
    read: dict[str, str] | None = session.info.get(_READ)
    if read is None:
        read = dict(session.exec(select(Setting.key, Setting.value)).all())
        session.info[_READ] = read
    value = read.get(key)
    return value if value is not None else DEFAULTS.get(key, "")


def set_setting(session: Session, *, actor: str, key: str, value: str) -> None:
    """Change a setting (on the trail); the caller commits."""
    row = session.get(Setting, key)
    old = row.value if row else None
    if old == value:
        return
    if row is None:
        row = Setting(key=key, value=value)
    row.value = value
    session.add(row)
    session.info.pop(_READ, None)
    trail.record(
        session,
        actor=actor,
        action="setting.change",
        entity="setting",
        entity_id=key,
        payload={"old": old, "new": value},
    )


def today(session: Session) -> date:
    """The organisation's calendar date (effective dates are local dates)."""
    return local_today(get_setting(session, "timezone"))


def load_organisation_file(
    session: Session, *, actor: User | None, path: Path
) -> tuple[list[Department], list[User]]:
    """Create the organisation, departments and users an ``organisation.yaml`` describes.

    For a first installation (no users yet, ``actor`` None) or by an admin. Everything
    commits at once or not at all.
    """
    result = apply_organisation_file(session, actor=actor, path=path)
    session.commit()
    return result


def apply_organisation_file(
    session: Session, *, actor: User | None, path: Path
) -> tuple[list[Department], list[User]]:
    """:func:`load_organisation_file` without the commit, for larger set-ups."""
    if actor is not None:
        users.require_role(session, actor, Role.ADMIN, action=Text("load an organisation file"))
    elif session.exec(select(User.id).limit(1)).first() is not None:
        raise PermissionDenied("the database already has users: load the file --as an admin")
    actor_name = actor.username if actor else "system"
    data = _read_yaml(path)
    org = data.get("organisation") or {}
    password = str(data.get("demo_password") or "")
    language = str(org.get("language", "vi"))
    if language not in LANGUAGES:
        raise ValidationError("{file}: organisation language must be vi or en", file=path.name)
    names = {
        "organisation.name": _in_file(
            path, one_line, str(org.get("name", "")), field=Text("organisation name")
        ),
        "organisation.name_en": _in_file(
            path, one_line, str(org.get("name_en", "")), field=Text("English organisation name")
        ),
    }
    for key, value in (*names.items(), ("organisation.language", language)):
        set_setting(session, actor=actor_name, key=key, value=value)
    if org.get("stamp") is not None:
        stamp = _in_file(path, stamp_text, str(org["stamp"]), Text("stamp on superseded copies"))
        set_setting(session, actor=actor_name, key=STAMP_SETTING, value=stamp)
    departments = []
    for entry in data.get("departments") or []:
        departments.append(
            _in_file(
                path,
                users.add_department,
                session,
                actor_name=actor_name,
                code=str(entry["code"]),
                name=str(entry["name"]),
                name_en=str(entry.get("name_en", "")),
            )
        )
    entries = list(data.get("users") or [])
    given = [str(entry.get("password") or password) for entry in entries]
    created = []
    # Each argon2 hash takes about a quarter of a second of one core: the people's are
    # made on both cores at once while the entries are checked and added in order. An
    # entry may give a hash made beforehand instead (then the file holds no password).
    with ThreadPoolExecutor(max_workers=passwords.DEFAULT_BOUND) as hashing:
        hashes: list[Future[str] | str] = [
            _given_hash(path, entry)
            if "password_hash" in entry
            else hashing.submit(users.hash_password, secret)
            for entry, secret in zip(entries, given, strict=True)
        ]
        try:
            for entry, secret, hashed in zip(entries, given, hashes, strict=True):
                created.append(
                    _in_file(
                        path,
                        users.add_user,
                        session,
                        actor_name=actor_name,
                        username=str(entry["username"]),
                        full_name=str(entry["full_name"]),
                        password=secret,
                        roles=[str(r) for r in entry.get("roles", [])],
                        department=entry.get("department"),
                        position=str(entry.get("position", "")),
                        language=str(entry.get("language", language)),
                        password_hash=hashed,
                    )
                )
        finally:
            for hashed in hashes:
                if isinstance(hashed, Future):
                    hashed.cancel()
    return departments, created


def _given_hash(path: Path, entry: dict[str, Any]) -> str:
    """An entry's password hash made beforehand, refused (naming the person) unless it
    is the only secret the entry gives and :func:`users.checked_password_hash` takes it."""
    where = f"{path.name}: {entry.get('username', '')}"
    if "password" in entry:
        raise ValidationError("give a password or a password hash, not both").located(where)
    try:
        return users.checked_password_hash(str(entry["password_hash"]))
    except QMSError as exc:
        raise exc.located(where) from None


def _in_file(path: Path, func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except KeyError as exc:
        raise ValidationError(
            "{file}: an entry lacks {field}", file=path.name, field=str(exc)
        ) from None
    except QMSError as exc:
        raise exc.located(path.name) from None


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml  # only loading an organisation file needs it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(
            "{file}: cannot read it: {reason}", file=path.name, reason=str(exc)
        ) from None
    if not isinstance(data, dict):
        raise ValidationError("{file}: expected a mapping at the top", file=path.name)
    return data
