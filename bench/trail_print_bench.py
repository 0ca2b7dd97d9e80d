"""Benchmark of the printed audit trail at its cap (1,000 events a print).

Builds a SQLite database with the test people and a trail of --events synthetic events
(payloads of realistic size, Vietnamese text), then times, after one warm-up print:

  data     trail_view.print_data: the filtered query, the whole-chain check, the anchor
  pdf      trail_view.trail_pdf: the same plus the render in a warm worker process

and prints the page count. Not run by the test suite.

    python bench/trail_print_bench.py [--events 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from qms.db import make_engine, read_session, upgrade, write_session  # noqa: E402
from qms.render import start_workers  # noqa: E402
from qms.services.trail import chain as trail  # noqa: E402
from qms.services.trail import view as trail_view  # noqa: E402
from tests.seed import seed_people  # noqa: E402

REASON = "Cập nhật thời hạn giải quyết hồ sơ theo Quyết định của Ủy ban nhân dân quận. "


def build(url: str, events: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    with write_session(engine) as session:
        for n in range(events):
            trail.record(
                session,
                actor="thu",
                action="revision.edit",
                entity="bench",
                entity_id=f"QT-{n % 40:02d}/{n // 40 + 1}",
                payload={"old": {"body_hash": f"{n:064x}"}, "reason": REASON * (n % 3)},
            )
        session.commit()
    engine.dispose()


def timed(func: object, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=trail_view.MAX_PRINTED_EVENTS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'trail.db'}"
        build(url, args.events)
        start_workers()
        engine = make_engine(url)
        chosen = trail_view.TrailFilter(entity="bench")
        with read_session(engine) as session:

            def data() -> object:
                return trail_view.print_data(session, viewer=None, filters=chosen)

            def pdf() -> bytes:
                return trail_view.trail_pdf(session, viewer=None, filters=chosen)

            pdf()  # warm-up: the worker's first render of this template
            data_s, _ = timed(data, args.repeat)
            pdf_s, printed = timed(pdf, args.repeat)
        engine.dispose()
    pages = len(PdfReader(io.BytesIO(printed)).pages)  # type: ignore[arg-type]
    print(f"{args.events:,} events, median of {args.repeat}")
    print(f"  data  {data_s * 1000:8.0f} ms")
    print(f"  pdf   {pdf_s * 1000:8.0f} ms   {pages} pages, {len(printed):,} bytes")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
