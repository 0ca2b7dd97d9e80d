"""People: departments, users, roles, passwords."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session, write_session
from qms.domain import Role
from qms.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from qms.models import User
from qms.services.people import users
from qms.services.trail import chain as trail
from tests.helpers import act, snapshot
from tests.seed import PASSWORD


def test_passwords_are_argon2_hashed(engine: Engine) -> None:
    with read_session(engine) as session:
        user = users.get_user(session, "thu")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert users.authenticate(session, username="THU ", password=PASSWORD).username == "thu"
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            users.authenticate(session, username="thu", password="nope")
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            users.authenticate(session, username="ghost", password=PASSWORD)


def test_only_admins_manage_people(engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        act(
            engine,
            users.create_user,
            "thu",
            username="x1",
            full_name="X",
            password=PASSWORD,
            roles=["staff"],
        )
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        act(engine, users.create_department, "thu", code="KT", name="Kế toán")
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        act(engine, users.set_roles, "thu", username="lan", roles=["approver"])
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"username": "Bad Name"}, ValidationError, "username"),
        ({"username": "thu"}, Conflict, "already exists"),
        ({"roles": ["boss"]}, ValidationError, "unknown role 'boss'"),
        ({"roles": []}, ValidationError, "at least one role"),
        ({"password": "short"}, ValidationError, "at least 8 characters"),
        ({"department": "ZZ"}, Exception, "no department"),
        ({"full_name": " "}, ValidationError, "full name"),
    ],
)
def test_bad_user_input_changes_nothing(
    engine: Engine, kwargs: dict, error: type, match: str
) -> None:
    fields = {
        "username": "newbie",
        "full_name": "Người mới",
        "password": PASSWORD,
        "roles": ["staff"],
    }
    fields.update(kwargs)
    before = snapshot(engine)
    with pytest.raises(error, match=match):
        act(engine, users.create_user, "admin", **fields)
    assert snapshot(engine) == before


def test_roles_and_deactivation(engine: Engine) -> None:
    act(engine, users.set_roles, "admin", username="lan", roles=["staff,auditor"])
    with read_session(engine) as session:
        assert users.roles_of(session, users.get_user(session, "lan")) == {Role.STAFF, Role.AUDITOR}
    act(engine, users.set_active, "admin", username="lan", active=False)
    with read_session(engine) as session:
        with pytest.raises(PermissionDenied, match="deactivated"):
            users.get_active_user(session, "lan")
        with pytest.raises(AuthenticationFailed):
            users.authenticate(session, username="lan", password=PASSWORD)
    with pytest.raises(PermissionDenied, match="your own admin role"):
        act(engine, users.set_roles, "admin", username="admin", roles=["staff"])


def test_password_change(engine: Engine) -> None:
    with pytest.raises(AuthenticationFailed):
        act(
            engine,
            users.change_password,
            "lan",
            username="lan",
            new_password="new-secret-1",
            old_password="bad",
        )
    act(
        engine,
        users.change_password,
        "lan",
        username="lan",
        new_password="new-secret-1",
        old_password=PASSWORD,
    )
    with pytest.raises(PermissionDenied):
        act(
            engine,
            users.change_password,
            "lan",
            username="thu",
            new_password="new-secret-2",
            old_password=None,
        )
    act(
        engine,
        users.change_password,
        "admin",
        username="thu",
        new_password="new-secret-2",
        old_password=None,
    )
    with read_session(engine) as session:
        users.authenticate(session, username="lan", password="new-secret-1")
        users.authenticate(session, username="thu", password="new-secret-2")
        assert "new-secret" not in str([e.payload for e in trail.iter_all(session)])


def test_first_admin_bootstrap(blank_engine: Engine) -> None:
    with write_session(blank_engine) as session, pytest.raises(ValidationError, match="first user"):
        users.create_user(
            session, actor=None, username="a", full_name="A", password=PASSWORD, roles=["staff"]
        )
    with write_session(blank_engine) as session:
        users.create_user(
            session,
            actor=None,
            username="root",
            full_name="Root",
            password=PASSWORD,
            roles=["admin"],
        )
    with write_session(blank_engine) as session, pytest.raises(PermissionDenied, match="--as"):
        users.create_user(
            session, actor=None, username="b", full_name="B", password=PASSWORD, roles=["admin"]
        )
    with read_session(blank_engine) as session:
        assert [u.username for u in session.exec(select(User)).all()] == ["root"]


def _parameters(password_hash: str) -> str:
    """``$argon2id$v=19$m=...,t=...,p=...``: everything but the salt and the digest."""
    return "$".join(password_hash.split("$")[:4])


def test_sign_in_costs_one_argon2_verification_whoever_asks(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown or deactivated user name takes the same work as a wrong password, so
    timing does not tell which user names exist."""
    verified: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        verified.append(str(hash))
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    act(engine, users.set_active, "admin", username="lan", active=False)
    attempts = {"thu": "nope-nope", "ghost": PASSWORD, "lan": PASSWORD}
    with read_session(engine) as session:
        real_hash = users.get_user(session, "thu").password_hash
        for username, password in attempts.items():
            verified.clear()
            with pytest.raises(AuthenticationFailed) as refused:
                users.authenticate(session, username=username, password=password)
            assert str(refused.value) == f"wrong username or password for {username!r}"
            assert len(verified) == 1, username
            assert _parameters(verified[0]) == _parameters(real_hash)
