"""In-process timing of the register's service call (the page, its total and the facet
counts), without HTTP: best of --repeat calls per case, for staff and for a controller.

    python bench/facets_bench.py DATABASE_URL [--repeat 5]

The database is one of bench/scale_bench.py's generated registers (upgraded to this
code's schema first). Besides the wall time it prints the process's CPU time, which
on SQLite is the database's work too and stays readable on a machine loaded by other
work. Not run by the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.db import make_engine, read_session, upgrade  # noqa: E402
from qms.services.documents import search  # noqa: E402
from qms.services.people import users  # noqa: E402

CASES: list[dict[str, object]] = [
    {},
    {"search": "kiem soat"},
    {"search": "kiểm soát"},
    {"search": "ho so mot cua"},
    {"search": "QT-012"},
    {"search": "khong co tu nay"},
    {"doc_type": "procedure"},
    {"status": "effective", "sort": "status"},
    {"search": "kiem soat", "status": "draft"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(args.url)
    upgrade(engine)
    for viewer in ("thu", "lan"):
        total_best = total_cpu = 0.0
        for case in CASES:
            if viewer == "lan" and case.get("status") not in (None, "effective"):
                continue
            with read_session(engine) as session:
                who = users.get_user(session, viewer)
                best = cpu = float("inf")
                for _ in range(args.repeat):
                    started, used = time.perf_counter(), time.process_time()
                    page = search.register_page(session, viewer=who, facets=True, **case)  # type: ignore[arg-type]
                    best = min(best, time.perf_counter() - started)
                    cpu = min(cpu, time.process_time() - used)
            total_best += best
            total_cpu += cpu
            label = ", ".join(f"{k}={v}" for k, v in case.items()) or "(all)"
            print(
                f"{viewer:4} {label:40} {best * 1000:7.1f} ms  cpu {cpu * 1000:7.1f} ms"
                f"  total={page.total}"
            )
        print(
            f"{viewer:4} {'sum of best':40} {total_best * 1000:7.1f} ms  cpu {total_cpu * 1000:7.1f} ms"
        )


if __name__ == "__main__":
    main()
