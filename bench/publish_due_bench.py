"""Benchmark of publishing what is due while other people write.

Prepares --documents documents, each with an approved issue due today, then starts
--runs concurrent ``publish_due`` runs (threads, each with its own engine) and, beside
them, one writer that saves a draft of another document over and over. It prints:

  publish   wall time until every due issue is effective (each renders its PDF)
  save      p50 / max time of the writer's draft saves while the runs publish: a save
            writes the audit trail, so it waits for any transaction holding the trail

on PostgreSQL (a throwaway server, or --pg-url) and on SQLite. Not run by the tests.

    python bench/publish_due_bench.py [--documents 12] [--runs 4] [--pg-url URL | --no-pg] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.db import make_engine, upgrade, write_session  # noqa: E402
from qms.services.documents import publishing, revisions  # noqa: E402
from qms.services.people import users  # noqa: E402
from tests.helpers import act, body, new_draft  # noqa: E402
from tests.seed import PASSWORD, seed_people  # noqa: E402


def prepare(url: str, documents: int) -> list[str]:
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    codes = [f"QT-{n:03d}" for n in range(1, documents + 1)]
    for code in codes:
        new_draft(engine, code, title=f"Quy trình {code}")
        act(engine, revisions.submit, "thu", code=code, password=PASSWORD)
        act(engine, revisions.review, "hung", code=code, accept=True, password=PASSWORD)
        act(engine, revisions.approve, "hai", code=code, password=PASSWORD)
    new_draft(engine, "BM-001", drafter="nam", title="Biểu mẫu")
    engine.dispose()
    return codes


def measure(url: str, runs: int) -> tuple[float, list[float]]:
    engines = [make_engine(url) for _ in range(runs + 1)]
    done = threading.Event()
    saves: list[float] = []

    def publish(index: int) -> None:
        with write_session(engines[index]) as session:
            publishing.publish_due(session, actor=users.get_active_user(session, "thu"))

    def keep_saving() -> None:
        n = 0
        while not done.is_set():
            n += 1
            started = time.perf_counter()
            with write_session(engines[runs]) as session:
                actor = users.get_active_user(session, "nam")
                revisions.revise(session, actor=actor, code="BM-001", body=body(n))
            saves.append(time.perf_counter() - started)
            time.sleep(0.05)

    writer = threading.Thread(target=keep_saving)
    threads = [threading.Thread(target=publish, args=(i,)) for i in range(runs)]
    started = time.perf_counter()
    writer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done.set()
    writer.join()
    for engine in engines:
        engine.dispose()
    return elapsed, saves


def report(name: str, url: str, args: argparse.Namespace) -> None:
    prepare(url, args.documents)
    elapsed, saves = measure(url, args.runs)
    print(
        f"{name:<11} publish {args.documents} issues, {args.runs} runs: {elapsed:6.1f} s   "
        f"save p50 {statistics.median(saves) * 1000:7.0f} ms, "
        f"max {max(saves) * 1000:7.0f} ms ({len(saves)} saves)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=12)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--pg-url", help="An empty PostgreSQL database to use.")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            report("sqlite", f"sqlite:///{folder}/bench.db", args)
    if args.no_pg:
        return
    if args.pg_url:
        report("postgresql", args.pg_url, args)
        return
    from tests.pgserver import PostgresServer

    server = PostgresServer().start()
    try:
        report("postgresql", server.create_database("bench"), args)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
