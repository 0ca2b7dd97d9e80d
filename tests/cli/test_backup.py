"""``qms backup`` and ``qms restore``: a restored database is row for row the source and
passes every check; a damaged, foreign or misdirected backup is refused with one line and
the target stays as it was."""

import hashlib
import io
import json
import shutil
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from qms.db import head_revision, write_session
from qms.services import blobs
from tests.backup_helpers import rows, run, state
from tests.helpers import act, effective_document, new_draft, revise
from tests.pgserver import PostgresServer
from tests.seed import PASSWORD


@pytest.fixture
def target(empty_db_url: str) -> str:
    return empty_db_url


def documents_signed_and_published(engine: Engine) -> None:
    """Two effective documents (controlled PDFs stored), a revision in review (signed),
    an acknowledgement and a stored attachment: every kind of row a backup must keep."""
    from qms.services.documents import revisions

    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    revise(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.acknowledge, "lan", code="QT-02")
    new_draft(engine, "QT-03")
    with write_session(engine) as session:
        blobs.put(session, data=b"\x00\xffbi\xean b\xe1n", media_type="image/png")
        session.commit()


def test_a_restored_database_is_the_source_row_for_row_and_passes_every_check(
    engine: Engine, db_url: str, target: str, tmp_path: Path
) -> None:
    documents_signed_and_published(engine)
    archive = tmp_path / "qms.tar"
    made = run(db_url, "backup", str(archive))
    assert made.exit_code == 0, made.output
    source = rows(db_url)
    events, stored = len(source["trail_event"]), len(source["blob"])
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    assert made.stdout == (
        f"wrote {archive} ({archive.stat().st_size:,} bytes): {backend} database, 3 documents,"
        f" 4 issues, 7 signatures, {stored} stored files, {events} trail events\n"
    )
    assert archive.stat().st_mode & 0o777 == 0o600

    restored = run(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith(f"restored {archive} (taken ")
    assert restored.stdout.endswith(
        f" 3 documents, 4 issues, 7 signatures, {stored} stored files, {events} trail"
        " events; trail intact, stored files match their hashes\n"
    )
    assert rows(target) == source  # every hash, signature and stored byte as it was
    verify = run(target, "trail", "verify")
    assert verify.stdout == f"trail intact: {events} events, chain verified\n"
    assert run(target, "pdf", "verify").stdout == f"{stored} stored files match their hashes\n"
    for code in ("QT-01", "QT-02"):
        shown = json.loads(run(target, "doc", "show", code, "--format", "json").stdout)
        assert shown["signatures"]
        assert all(signature["valid"] for signature in shown["signatures"])
        assert shown == json.loads(run(db_url, "doc", "show", code, "--format", "json").stdout)
    assert run(target, "init").stdout == "database schema is up to date\n"
    register = tmp_path / "body.md"
    register.write_text("# 1. Mục đích\n", encoding="utf-8")
    after = run(
        target, "doc", "new", "QT-04", "--title", "Quy trình mới", "--type", "procedure",
        "--dept", "VP", "--body", str(register), "--as", "thu",
    )  # fmt: skip
    assert after.exit_code == 0, after.output  # the restored database takes new rows


def test_the_manifest_names_what_the_backup_holds(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    effective_document(engine)
    archive = tmp_path / "qms.tar"
    assert run(db_url, "backup", str(archive)).exit_code == 0
    source = rows(db_url)
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.loads(read_member(tar, "manifest.json"))
        snapshot = read_member(tar, manifest["snapshot"]["name"])
    assert manifest["format"] == "qms-backup"
    assert manifest["format_version"] == 1
    assert manifest["backend"] == ("sqlite" if db_url.startswith("sqlite") else "postgresql")
    assert manifest["schema_revision"] == head_revision()
    assert manifest["snapshot"]["sha256"] == hashlib.sha256(snapshot).hexdigest()
    assert manifest["snapshot"]["size"] == len(snapshot)
    assert {name: table["rows"] for name, table in manifest["tables"].items()} == {
        name: len(table) for name, table in source.items()
    }
    newest = max(source["trail_event"], key=lambda event: event[0])
    assert manifest["trail"] == {"length": len(source["trail_event"]), "head": newest[-1]}
    assert manifest["blobs"] == sorted(blob[0] for blob in source["blob"])


def read_member(tar: tarfile.TarFile, name: str) -> bytes:
    member = tar.extractfile(name)
    assert member is not None
    return member.read()


def rewrite(archive: Path, change_manifest: dict[str, object]) -> None:
    """The archive with manifest fields replaced (the snapshot unchanged)."""
    with tarfile.open(archive) as tar:
        manifest = json.loads(read_member(tar, "manifest.json"))
        name = manifest["snapshot"]["name"]
        snapshot = read_member(tar, name)
    manifest.update(change_manifest)
    with tarfile.open(archive, "w") as tar:
        for member_name, data in (
            ("manifest.json", json.dumps(manifest).encode()),
            (name, snapshot),
        ):
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def snapshot_offset(archive: Path) -> tuple[int, int]:
    """Where the snapshot's bytes start in the archive, and how many there are."""
    with tarfile.open(archive) as tar:
        member = tar.getmembers()[1]
        return member.offset_data, member.size


def flip_a_byte_of_the_snapshot(archive: Path) -> None:
    start, size = snapshot_offset(archive)
    data = bytearray(archive.read_bytes())
    data[start + size // 2] ^= 0x01
    archive.write_bytes(bytes(data))


def cut_in_the_snapshot(archive: Path) -> None:
    start, size = snapshot_offset(archive)
    archive.write_bytes(archive.read_bytes()[: start + size // 2])


def name_other_stored_files(archive: Path) -> None:
    with tarfile.open(archive) as tar:
        manifest = json.loads(read_member(tar, "manifest.json"))
    other = hashlib.sha256(b"a file the source never held").hexdigest()
    rewrite(archive, {"blobs": sorted([*manifest["blobs"][1:], other])})


def name_another_snapshot(archive: Path) -> None:
    with tarfile.open(archive) as tar:
        manifest = json.loads(read_member(tar, "manifest.json"))
    manifest["snapshot"]["sha256"] = hashlib.sha256(b"another database").hexdigest()
    rewrite(archive, {"snapshot": manifest["snapshot"]})


def name_another_trail(archive: Path) -> None:
    with tarfile.open(archive) as tar:
        manifest = json.loads(read_member(tar, "manifest.json"))
    rewrite(archive, {"trail": {**manifest["trail"], "length": manifest["trail"]["length"] + 2}})


def replace_with_text(archive: Path) -> None:
    archive.write_text("not a backup\n", encoding="utf-8")


DAMAGE = {
    "a flipped byte in the snapshot": (
        flip_a_byte_of_the_snapshot,
        "is damaged: its database snapshot does not match the SHA-256 in its manifest;"
        " nothing was restored",
    ),
    "a file cut short": (
        cut_in_the_snapshot,
        "is not a readable qms backup: it is not a tar archive, or it is cut short",
    ),
    "a manifest naming other stored files": (
        name_other_stored_files,
        "the restored database does not match the manifest of {archive}: stored file",
    ),
    "a manifest naming another trail": (
        name_another_trail,
        "the restored database does not match the manifest of {archive}: the trail has",
    ),
    "a manifest naming another snapshot": (
        name_another_snapshot,
        "is damaged: its database snapshot does not match the SHA-256 in its manifest",
    ),
    "not a backup at all": (
        replace_with_text,
        "is not a readable qms backup: it is not a tar archive, or it is cut short",
    ),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_backup_is_refused_and_the_target_stays_as_it_was(
    engine: Engine, db_url: str, target: str, tmp_path: Path, damage: str
) -> None:
    new_draft(engine)
    with write_session(engine) as session:
        blobs.put(session, data=b"evidence", media_type="text/plain")
        blobs.put(session, data=b"more evidence", media_type="text/plain")
        session.commit()
    archive = tmp_path / "qms.tar"
    assert run(db_url, "backup", str(archive)).exit_code == 0
    spoil, message = DAMAGE[damage]
    spoil(archive)
    before = state(target)
    refused = run(target, "restore", str(archive))
    assert refused.exit_code == 8
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: ")
    assert refused.stderr.count("\n") == 1
    assert message.format(archive=archive) in refused.stderr
    assert state(target) == before


def test_a_target_that_holds_anything_is_refused_and_kept(
    db_url: str, blank_db_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "qms.tar"
    assert run(db_url, "backup", str(archive)).exit_code == 0
    for taken in (db_url, blank_db_url):  # seeded; tables made by qms init, no rows
        before = state(taken)
        refused = run(taken, "restore", str(archive))
        assert refused.exit_code == 7
        assert refused.stderr == (
            "error: the target database is not empty (acknowledgement, alembic_version,"
            " app_user, …): restore only into a new, empty database\n"
        )
        assert state(taken) == before


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_file_that_is_not_a_database_is_not_restored_over(db_url: str, tmp_path: Path) -> None:
    archive = tmp_path / "qms.tar"
    assert run(db_url, "backup", str(archive)).exit_code == 0
    other = tmp_path / "notes.txt"
    other.write_text("meeting notes\n", encoding="utf-8")
    refused = run(f"sqlite:///{other}", "restore", str(archive))
    assert refused.exit_code == 7
    assert refused.stderr == (
        f"error: {other} is not an SQLite database: restore only into a new, empty database\n"
    )
    assert other.read_text(encoding="utf-8") == "meeting notes\n"


def test_a_backup_of_another_backend_is_refused(
    sqlite_templates: dict[bool, Path],
    pg_templates: dict[bool, str],
    pg_server: PostgresServer,
    tmp_path: Path,
) -> None:
    sqlite_source, sqlite_target = tmp_path / "source.db", tmp_path / "target.db"
    shutil.copyfile(sqlite_templates[True], sqlite_source)
    names = [f"b_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    postgres_source = pg_server.create_database(names[0], template=pg_templates[True])
    postgres_target = pg_server.create_database(names[1])
    sqlite_archive, postgres_archive = tmp_path / "sqlite.tar", tmp_path / "postgresql.tar"
    try:
        assert run(f"sqlite:///{sqlite_source}", "backup", str(sqlite_archive)).exit_code == 0
        assert run(postgres_source, "backup", str(postgres_archive)).exit_code == 0
        refused = run(postgres_target, "restore", str(sqlite_archive))
        assert (refused.exit_code, refused.stderr) == (
            2,
            f"error: {sqlite_archive} is a backup of a sqlite database and cannot be restored"
            " into a postgresql one: restore it into a sqlite database\n",
        )
        assert rows(postgres_target) == {}
        refused = run(f"sqlite:///{sqlite_target}", "restore", str(postgres_archive))
        assert (refused.exit_code, refused.stderr) == (
            2,
            f"error: {postgres_archive} is a backup of a postgresql database and cannot be"
            " restored into a sqlite one: restore it into a postgresql database\n",
        )
        assert not sqlite_target.exists()
    finally:
        for name in names:
            pg_server.drop_database(name)


def test_an_existing_file_is_replaced_only_with_force(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "backups").mkdir()
    archive = tmp_path / "backups" / "qms.tar"
    archive.write_bytes(b"yesterday's backup")
    refused = run(db_url, "backup", str(archive))
    assert (refused.exit_code, refused.stderr) == (
        7,
        f"error: {archive} already exists: give another name, or --force to replace it\n",
    )
    assert archive.read_bytes() == b"yesterday's backup"
    replaced = run(db_url, "backup", str(archive), "--force", env={"QMS_LANGUAGE": "vi"})
    assert replaced.exit_code == 0
    assert replaced.stdout.startswith(f"đã ghi {archive} (")
    assert " byte): cơ sở dữ liệu " in replaced.stdout
    assert replaced.stdout.endswith(" sự kiện trong Nhật ký hệ thống\n")
    assert tarfile.is_tarfile(archive)
    assert [path.name for path in archive.parent.iterdir()] == ["qms.tar"]


def test_a_backup_into_a_missing_folder_is_one_line(db_url: str, tmp_path: Path) -> None:
    archive = tmp_path / "no such folder" / "qms.tar"
    refused = run(db_url, "backup", str(archive))
    assert (refused.exit_code, refused.stderr) == (
        2,
        f"error: cannot write {archive} (No such file or directory)\n",
    )


def test_a_damaged_database_is_backed_up_with_an_alarm_and_never_restored(
    engine: Engine, db_url: str, target: str, tmp_path: Path
) -> None:
    new_draft(engine)
    with write_session(engine) as session:
        key = blobs.put(session, data=b"evidence", media_type="text/plain").sha256
        session.commit()
    with engine.begin() as connection:
        connection.execute(text("UPDATE blob SET size = size + 1"))
    archive = tmp_path / "qms.tar"
    made = run(db_url, "backup", str(archive))
    assert made.exit_code == 8  # written all the same: it may be the best copy there is
    assert made.stdout.startswith(f"wrote {archive} (")
    assert made.stderr == (
        "error: the database backed up fails its checks: stored file"
        f" {key[:12]}… no longer matches its hash\n"
    )
    before = state(target)
    refused = run(target, "restore", str(archive))
    assert (refused.exit_code, refused.stderr) == (
        8,
        f"error: the database in {archive} fails its checks: stored file {key[:12]}… no"
        " longer matches its hash; nothing was restored\n",
    )
    assert state(target) == before


def test_a_database_without_tables_has_nothing_to_back_up(target: str, tmp_path: Path) -> None:
    if target.startswith("sqlite"):
        Path(str(make_url(target).database)).touch()
    archive = tmp_path / "qms.tar"
    refused = run(target, "backup", str(archive))
    assert (refused.exit_code, refused.stderr) == (
        2,
        "error: the database has no tables yet: there is nothing to back up\n",
    )
    assert not archive.exists()


def test_a_file_that_is_not_a_database_is_not_backed_up(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes\n", encoding="utf-8")
    refused = run(f"sqlite:///{notes}", "backup", str(tmp_path / "qms.tar"))
    assert (refused.exit_code, refused.stderr) == (
        9,
        f"error: cannot back up {notes} (file is not a database)\n",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
