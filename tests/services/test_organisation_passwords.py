"""The people of an organisation file get their passwords hashed on both cores, each
with its own salt, and a refused entry still leaves the database as it was."""

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import ValidationError
from qms.paths import procedures_dir
from qms.services.people import organisation, passwords, users
from tests.helpers import snapshot

FILE_PASSWORD = "mat-khau-chung-2026"
OWN_PASSWORD = "mat-khau-rieng-2026"


def _file(path: Path, *, last_password: str = OWN_PASSWORD) -> Path:
    people = "\n".join(
        f"  - {{username: nv{n}, full_name: Nhân viên {n}, department: VP, roles: [staff]}}"
        for n in range(1, 5)
    )
    path.write_text(
        f'organisation:\n  name: "UBND"\ndemo_password: "{FILE_PASSWORD}"\nusers:\n{people}\n'
        f"  - {{username: nv5, full_name: Nhân viên 5, department: VP, roles: [staff], "
        f'password: "{last_password}"}}\n',
        encoding="utf-8",
    )
    return path


def test_each_person_gets_a_salted_hash_of_their_own_password(
    engine: Engine, tmp_path: Path
) -> None:
    path = _file(tmp_path / "organisation.yaml")
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        organisation.load_organisation_file(session, actor=admin, path=path)
    with read_session(engine) as session:
        stored = {n: users.get_user(session, f"nv{n}").password_hash for n in range(1, 6)}
    assert len(set(stored.values())) == 5  # one salt each, even for the shared password
    for n in range(1, 5):
        assert passwords.verify(stored[n], FILE_PASSWORD)
        assert not passwords.verify(stored[n], OWN_PASSWORD)
    assert passwords.verify(stored[5], OWN_PASSWORD)


def test_the_hashes_are_made_on_two_threads_at_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path / "organisation.yaml")
    running, most = 0, 0
    threads: set[int] = set()
    lock = threading.Lock()
    hash_one = passwords.hash_password

    def watched(password: str) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            threads.add(threading.get_ident())
        try:
            return hash_one(password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(passwords, "hash_password", watched)
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        organisation.load_organisation_file(session, actor=admin, path=path)
    assert threading.get_ident() not in threads
    assert len(threads) == passwords.DEFAULT_BOUND
    assert most == passwords.DEFAULT_BOUND


def test_a_short_password_in_the_file_is_refused_and_nobody_is_added(
    engine: Engine, tmp_path: Path
) -> None:
    path = _file(tmp_path / "organisation.yaml", last_password="ngan")
    before = snapshot(engine)
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        with pytest.raises(ValidationError, match=r"organisation\.yaml: .*at least 8 characters"):
            organisation.load_organisation_file(session, actor=admin, path=path)
    assert snapshot(engine) == before


def _file_with_hash(path: Path, entry: str) -> Path:
    path.write_text(
        f'organisation:\n  name: "UBND"\ndemo_password: "{FILE_PASSWORD}"\nusers:\n'
        f"  - {{username: nv1, full_name: Nhân viên 1, department: VP, roles: [staff]}}\n"
        f"  - {{username: nv2, full_name: Nhân viên 2, department: VP, roles: [staff], {entry}}}\n",
        encoding="utf-8",
    )
    return path


def test_a_hash_made_beforehand_stands_in_for_the_password(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = passwords.hash_password(OWN_PASSWORD)
    path = _file_with_hash(tmp_path / "organisation.yaml", f"password_hash: '{made}'")
    hashed: list[str] = []
    hash_one = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password", lambda p: hashed.append(p) or hash_one(p))
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        organisation.load_organisation_file(session, actor=admin, path=path)
    with read_session(engine) as session:
        first, second = (users.get_user(session, f"nv{n}").password_hash for n in (1, 2))
    assert second == made  # stored as given: the file's own password was never hashed for nv2
    assert hashed == [FILE_PASSWORD]
    assert passwords.verify(second, OWN_PASSWORD)
    assert passwords.verify(first, FILE_PASSWORD)


def _ours() -> str:
    return passwords.hash_password(OWN_PASSWORD)


@pytest.mark.parametrize(
    "made",
    [
        lambda: _ours().replace("m=65536,t=3,", "m=8,t=1,"),
        lambda: _ours().replace("m=65536,", "m=4194304,"),
        lambda: _ours().replace("$argon2id$", "$argon2i$"),
        lambda: _ours()[:-4],
        lambda: OWN_PASSWORD,
        lambda: "",
    ],
    ids=["weaker", "costlier", "argon2i", "cut short", "a password", "empty"],
)
def test_a_hash_not_made_with_our_parameters_is_refused_and_nobody_is_added(
    engine: Engine, tmp_path: Path, made: Callable[[], str]
) -> None:
    path = _file_with_hash(tmp_path / "organisation.yaml", f"password_hash: '{made()}'")
    before = snapshot(engine)
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        with pytest.raises(
            ValidationError,
            match=r"^organisation\.yaml: nv2: the password hash must be an argon2id",
        ):
            organisation.load_organisation_file(session, actor=admin, path=path)
    assert snapshot(engine) == before


def test_an_entry_with_a_password_and_a_hash_is_refused(engine: Engine, tmp_path: Path) -> None:
    made = passwords.hash_password(OWN_PASSWORD)
    path = _file_with_hash(
        tmp_path / "organisation.yaml", f"password: '{OWN_PASSWORD}', password_hash: '{made}'"
    )
    before = snapshot(engine)
    with write_session(engine) as session:
        admin = users.get_user(session, "admin")
        with pytest.raises(ValidationError, match=r"^organisation\.yaml: nv2: give a password or"):
            organisation.load_organisation_file(session, actor=admin, path=path)
    assert snapshot(engine) == before


def test_the_sample_people_hold_hashes_of_the_demo_password_each_with_its_own_salt() -> None:
    import yaml

    sample = yaml.safe_load((procedures_dir() / "organisation.yaml").read_text("utf-8"))
    hashes = [entry["password_hash"] for entry in sample["users"]]
    assert len(hashes) == len(set(hashes)) == len(sample["users"]) > 1
    for made in hashes:
        assert users.checked_password_hash(made) == made
        assert passwords.verify(made, sample["demo_password"])
