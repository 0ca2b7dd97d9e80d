"""A backup taken while the application writes holds one consistent instant: it restores
and verifies, and every change in it is whole. Copying a live SQLite file instead loses
the newest commits without a trace."""

import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import make_url
from sqlalchemy.engine import Engine

from qms.db import make_engine, write_session
from qms.services import blobs
from qms.services.people import organisation
from tests.backup_helpers import rows, run
from tests.helpers import new_draft


@pytest.fixture
def target(empty_db_url: str) -> str:
    return empty_db_url


def change(engine: Engine, n: int) -> None:
    """One transaction that writes three tables: a setting, its trail event and a file."""
    with write_session(engine) as session:
        organisation.set_setting(session, actor="system", key="organisation.name", value=f"N{n}")
        blobs.put(session, data=f"evidence {n}".encode(), media_type="text/plain")
        session.commit()


class Writer(threading.Thread):
    """Commits :func:`change` after change until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.done = 0
        self.stopping = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        engine = make_engine(self.url)
        try:
            while not self.stopping.is_set():
                change(engine, self.done + 1)
                self.done += 1
        except BaseException as exc:
            self.failure = exc
        finally:
            engine.dispose()

    def wait_for(self, count: int) -> None:
        while self.done < count and self.failure is None and self.is_alive():
            time.sleep(0.01)


def test_a_backup_taken_while_writers_commit_restores_whole(
    engine: Engine, db_url: str, target: str, tmp_path: Path
) -> None:
    archive = tmp_path / "qms.tar"
    writer = Writer(db_url)
    writer.start()
    try:
        writer.wait_for(5)
        made = run(db_url, "backup", str(archive))
        writer.wait_for(writer.done + 5)  # and it went on writing afterwards
    finally:
        writer.stopping.set()
        writer.join()
    assert writer.failure is None
    assert made.exit_code == 0, made.output

    restored = run(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert run(target, "trail", "verify").exit_code == 0
    assert run(target, "pdf", "verify").exit_code == 0
    source, kept = rows(db_url), rows(target)
    assert set(kept["trail_event"]) < set(source["trail_event"])  # an earlier instant
    changes = [e for e in kept["trail_event"] if '"new":"N' in e[6]]  # the writer's
    evidence = [b for b in kept["blob"] if b[1] == "text/plain"]
    settings = dict(kept["setting"])
    # Every change the backup holds is whole: as many events as files, the newest value.
    assert len(changes) == len(evidence) >= 5
    assert settings["organisation.name"] == f"N{len(changes)}"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_copied_live_sqlite_file_loses_the_newest_commits_and_a_backup_keeps_them(
    engine: Engine, db_url: str, target: str, tmp_path: Path
) -> None:
    path = Path(str(make_url(db_url).database))
    new_draft(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    change(engine, 1)
    change(engine, 2)  # the engine's connection stays open: both wait in qms.db-wal
    events = len(rows(db_url)["trail_event"])

    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)  # the database file without its -wal
    copied = rows(f"sqlite:///{copy}")
    assert len(copied["trail_event"]) == events - 2
    assert copied["setting"] == [("organisation.name", "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ")]
    verified = run(f"sqlite:///{copy}", "trail", "verify")  # and nothing shows the loss
    assert verified.stdout == f"trail intact: {events - 2} events, chain verified\n"

    archive = tmp_path / "qms.tar"
    assert run(db_url, "backup", str(archive)).exit_code == 0
    assert run(target, "restore", str(archive)).exit_code == 0
    assert rows(target) == rows(db_url)
    assert (
        run(target, "trail", "verify").stdout == f"trail intact: {events} events, chain verified\n"
    )
