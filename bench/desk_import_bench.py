"""Benchmark of importing one-stop-desk dossier statistics (``qms data import dossiers``).

Writes a year of statistics, --procedures procedures x 12 months, as CSV and as XLSX
(openpyxl), and imports each into a new database with the test people, timing the whole
import (reading, checking every row, storing, the trail event, computing objectives'
results) and its peak Python memory (tracemalloc). It runs the same at a quarter of the
size, so the growth with the number of rows shows. No late dossier exceeds the threshold,
so no nonconformity is opened: this measures the import itself.

On SQLite, and on PostgreSQL (a throwaway server, or --pg-url) unless --no-pg.
Not run by the test suite.

    python bench/desk_import_bench.py [--procedures 2000] [--pg-url URL | --no-pg]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import text  # noqa: E402

from qms.db import make_engine, upgrade, write_session  # noqa: E402
from qms.services.desk import dossiers  # noqa: E402
from qms.services.desk.mapping import default_dossier_columns  # noqa: E402
from qms.services.people import users  # noqa: E402
from tests.seed import seed_people  # noqa: E402

FIELDS = ["Tư pháp - Hộ tịch", "Tư pháp - Chứng thực", "Đất đai", "Xây dựng", "Kinh doanh"]
DEPARTMENTS = ["TP", "TP", "MC", "MC", "VP"]


def rows(procedures: int, year: int = 2025) -> list[list[object]]:
    rnd = random.Random(procedures)
    out: list[list[object]] = []
    for month in range(1, 13):
        for n in range(procedures):
            field = n % len(FIELDS)
            received = rnd.randint(0, 300)
            late = rnd.randint(0, min(2, received))
            pending_in, overdue = min(received - late, rnd.randint(0, 5)), 0
            resolved = received - pending_in - overdue
            early = (resolved - late) // 3
            on_time = resolved - late - early
            out.append(
                [
                    f"{year}-{month:02d}",
                    FIELDS[field],
                    f"{n // 1000 + 1}.{n:06d}",
                    f"Thủ tục hành chính số {n}",
                    DEPARTMENTS[field],
                    received,
                    early,
                    on_time,
                    late,
                    pending_in,
                    overdue,
                ]
            )
    return out


def as_csv(table: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(default_dossier_columns().values())
    writer.writerows(table)
    return out.getvalue().encode()


def as_xlsx(table: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(default_dossier_columns().values()))
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_once(url: str, data: bytes, filename: str) -> tuple[float, float]:
    """Seconds and peak MiB of one import into a fresh database."""
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    try:
        with write_session(engine) as session:
            actor = users.get_active_user(session, "thu")
            tracemalloc.start()
            start = time.perf_counter()
            dossiers.import_dossiers(
                session, actor=actor, data=data, filename=filename, max_bytes=len(data)
            )
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    finally:
        engine.dispose()
    return seconds, peak


def run(backend: str, new_url: Callable[[], str], procedures: int) -> list[str]:
    lines = []
    for size in (procedures // 4, procedures):
        table = rows(size)
        for kind, data in (("csv", as_csv(table)), ("xlsx", as_xlsx(table))):
            seconds, peak = import_once(new_url(), data, f"thong-ke.{kind}")
            lines.append(
                f"{backend:<10} {kind:<4} {len(table):>7,} rows {len(data) / 2**20:6.1f} MiB "
                f"{seconds:7.2f} s {1e6 * seconds / len(table):7.1f} us/row  peak {peak:6.1f} MiB"
            )
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--pg-url", help="a PostgreSQL server's database to create databases on")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(1000))
        run("sqlite", lambda: f"sqlite:///{folder}/b{next(counter)}.db", args.procedures)
    if args.no_pg:
        return
    from tests.pgserver import PostgresServer

    server = None if args.pg_url else PostgresServer().start()
    base = args.pg_url or server.url  # type: ignore[union-attr]
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    names = iter(f"desk_bench_{n}" for n in range(1000))

    def new_database() -> str:
        name = next(names)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return base.rsplit("/", 1)[0] + f"/{name}"

    try:
        run("postgresql", new_database, args.procedures)
    finally:
        admin.dispose()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
