"""Benchmark of drawing the quarterly objectives report (``qms objective report``) and of
exporting a year of one-stop-desk figures as XLSX (``qms data export``).

Builds a database with the test people, imports a year of statistics for --procedures
procedures x 12 months (as bench/desk_import_bench.py writes them), adds --objectives
approved objectives with results for three quarters, then measures, each with its peak
Python memory (tracemalloc):

- gathering the report's data (objectives, results, charts drawn as SVG, rates);
- laying out the PDF with WeasyPrint in this process (the app runs it in a worker);
- writing the year's figures as a workbook (five sheets, one row per procedure and month).

Wall time and this process's CPU time are both printed: on a busy machine they differ.

The process's peak resident memory is printed at the end. SQLite only; not run by the
test suite.

    python bench/report_bench.py [--procedures 2000] [--objectives 12]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from desk_import_bench import as_csv, rows  # noqa: E402

from qms.db import make_engine, upgrade, write_session  # noqa: E402
from qms.render import record_pdf  # noqa: E402
from qms.services.desk import dossiers  # noqa: E402
from qms.services.exports import tables  # noqa: E402
from qms.services.objectives import lifecycle, report, results  # noqa: E402
from qms.services.people import users  # noqa: E402
from tests.seed import PASSWORD, seed_people  # noqa: E402

YEAR = 2025


def measured(what: str, func: Callable[[], Any]) -> Any:
    tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    value = func()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    size = f"{len(value) / 2**10:6.0f} KiB" if isinstance(value, bytes) else ""
    print(
        f"{what:<32} {seconds:7.2f} s ({cpu:6.2f} s CPU)  peak {peak:6.1f} MiB  {size}",
        flush=True,
    )
    return value


def build(url: str, procedures: int, objectives: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    data = as_csv(rows(procedures, YEAR))
    with write_session(engine) as session:
        actor = users.get_active_user(session, "thu")
        dossiers.import_dossiers(
            session, actor=actor, data=data, filename="thong-ke.csv", max_bytes=len(data)
        )
    refs = []
    for n in range(objectives):
        with write_session(engine) as session:
            version = lifecycle.draft_objective(
                session,
                actor=users.get_active_user(session, "thu"),
                year=YEAR,
                department="MC",
                indicator=f"Chỉ tiêu số {n + 1} của Bộ phận Một cửa",
                unit="%",
                target=95,
                direction="at_least",
                frequency="monthly" if n % 2 else "quarterly",
                owner="hung",
                plan_what="Theo dõi hằng tuần",
            )
            refs.append(lifecycle.get_objective_by_id(session, version.objective_id).ref)
    with write_session(engine) as session:
        lifecycle.approve_objectives(
            session, actor=users.get_active_user(session, "hai"), refs=refs, password=PASSWORD
        )
    for n, ref in enumerate(refs):
        keys = [f"{YEAR}-{m:02d}" for m in range(1, 10)] if n % 2 else [
            f"{YEAR}-Q{q}" for q in (1, 2, 3)
        ]  # fmt: skip
        for i, key in enumerate(keys):
            with write_session(engine) as session:
                results.record_result(
                    session,
                    actor=users.get_active_user(session, "hung"),
                    ref=ref,
                    period=key,
                    value=str(93 + (i + n) % 5),
                )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--objectives", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/report.db"
        start = time.perf_counter()
        build(url, args.procedures, args.objectives)
        print(
            f"set-up: {12 * args.procedures:,} rows of figures, {args.objectives} objectives "
            f"({time.perf_counter() - start:.1f} s)"
        )
        engine = make_engine(url)
        with write_session(engine) as session:
            thu = users.get_active_user(session, "thu")
            data = measured(
                "quarterly report: gather data",
                lambda: report.quarterly_data(
                    session, quarter=f"{YEAR}-Q3", prepared_by=thu, language="vi"
                ),
            )
            pdf = measured("quarterly report: lay out PDF", lambda: record_pdf.render(data))
            measured(
                "desk figures: XLSX export",
                lambda: tables.desk_xlsx(session, actor=thu, year=YEAR, language="vi"),
            )
        engine.dispose()
        Path(folder, "report.pdf").write_bytes(pdf)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"process peak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
