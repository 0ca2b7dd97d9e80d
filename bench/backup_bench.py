"""Benchmark of ``qms backup`` and ``qms restore`` on a database with many stored files.

Builds a database with the test people, --files stored files of --size random bytes each
(as incompressible as PDFs) and a trail of --events events, then times:

  backup    create_backup: the online snapshot, reading the manifest's contents (every
            row digested, every stored file and the trail chain checked), the tar file
  restore   restore_backup into an empty database: extracting, restoring, comparing
            with the manifest and the same checks again
  checks    the contents and checks alone, the part of both that verification costs

on SQLite and on PostgreSQL (a throwaway server, or --pg-url and --pg-target-url).
Not run by the test suite.

    python bench/backup_bench.py [--files 500] [--size 200000] [--events 20000]
                                 [--pg-url URL --pg-target-url URL | --no-pg]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.db import make_engine, read_session, upgrade, write_session  # noqa: E402
from qms.services import blobs  # noqa: E402
from qms.services.backup.contents import contents_of, problems_of  # noqa: E402
from qms.services.backup.create import create_backup  # noqa: E402
from qms.services.backup.restore import restore_backup  # noqa: E402
from qms.services.trail import chain as trail  # noqa: E402
from tests.seed import seed_people  # noqa: E402


def build(url: str, files: int, size: int, events: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    with write_session(engine) as session:
        for _ in range(files):
            blobs.put(session, data=os.urandom(size), media_type="application/pdf")
        session.commit()
    with write_session(engine) as session:
        for n in range(events):
            trail.record(
                session,
                actor="thu",
                action="revision.edit",
                entity="bench",
                entity_id=f"QT-{n % 40:02d}/{n // 40 + 1}",
                payload={"old": {"body_hash": f"{n:064x}"}, "reason": "Cập nhật thời hạn"},
            )
        session.commit()
    engine.dispose()


def seconds(func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    return time.perf_counter() - start


def run(name: str, url: str, target: str, folder: Path, args: argparse.Namespace) -> list[str]:
    build(url, args.files, args.size, args.events)
    archive = folder / f"{name}.tar"
    backup_s = seconds(lambda: create_backup(url=url, path=archive))
    restore_s = seconds(lambda: restore_backup(url=target, path=archive))
    engine = make_engine(url)

    def checks() -> None:
        with read_session(engine) as session:
            contents_of(session)
            problems_of(session)

    checks_s = seconds(checks)
    engine.dispose()
    megabytes = archive.stat().st_size / 1e6
    return [
        f"{name:<10}  backup {backup_s:6.1f} s   restore {restore_s:6.1f} s"
        f"   checks {checks_s:6.1f} s   file {megabytes:,.0f} MB"
        f"   ({megabytes / backup_s:,.0f} MB/s backup, {megabytes / restore_s:,.0f} MB/s restore)"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to fill")
    parser.add_argument("--pg-target-url", help="another empty one to restore into")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qms-backup-bench-") as name:
        folder = Path(name)
        table = run(
            "sqlite", f"sqlite:///{folder / 'qms.db'}", f"sqlite:///{folder / 'r.db'}", folder, args
        )
        if args.no_pg:
            pass
        elif args.pg_url and args.pg_target_url:
            table += run("postgresql", args.pg_url, args.pg_target_url, folder, args)
        else:
            from tests.pgserver import PostgresServer

            server = PostgresServer().start()
            try:
                source = server.create_database("bench_source")
                target = server.create_database("bench_target")
                table += run("postgresql", source, target, folder, args)
            finally:
                server.stop()
    print(f"\n{args.files:,} stored files of {args.size:,} bytes, {args.events:,} trail events")
    print("\n".join(table))


if __name__ == "__main__":
    main()
