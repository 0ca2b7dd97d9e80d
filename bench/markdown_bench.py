"""Benchmark of the Markdown converter on adversarial bodies: its cost must grow linearly.

For each shape (repeated headings, unclosed brackets, deep emphasis, long tables, and a
real procedure repeated) the body is built at three sizes, each twice the one before, and
converted as a draft save converts it (``qms.render.markdown.convert`` with the default
caps: the same work whether the body is then stored or refused). Prints the best time of
--repeat runs, the ratio to the size before (about 2 means linear growth, about 4
quadratic) and the outcome. Each conversion runs in a child process that is stopped after
--timeout seconds. Not run by the test suite.

    python bench/markdown_bench.py [--repeat 3] [--timeout 300] [--scale 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.errors import QMSError  # noqa: E402
from qms.render.markdown import convert  # noqa: E402

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def _procedure_text() -> str:
    sources = sorted((ROOT / "procedures").glob("*.md"))
    return "\n\n".join(_FRONT_MATTER.sub("", p.read_text(encoding="utf-8")) for p in sources)


def _procedures(n: int) -> str:
    """``n`` KB of the sample procedures (their tables removed: the cell cap would stop a
    long repetition of them)."""
    lines = [line for line in _procedure_text().splitlines() if not line.startswith("|")]
    text = "\n".join(lines) + "\n\n"
    repeated = text * (n * 1000 // len(text.encode()) + 1)
    return repeated.encode()[: n * 1000].decode(errors="ignore")


SHAPES: dict[str, tuple[Callable[[int], str], tuple[int, int, int], str]] = {
    "repeated headings": (lambda n: "## Ghi chú\n\n" * n, (5_000, 10_000, 20_000), "headings"),
    "unclosed brackets": (lambda n: "[a" * n, (5_000, 10_000, 20_000), "'[a' repeats"),
    "unclosed images": (lambda n: "![a" * n, (5_000, 10_000, 20_000), "'![a' repeats"),
    "deep emphasis": (
        lambda n: "*" * n + "x" + "*" * n,
        (25_000, 50_000, 100_000),
        "asterisks each side",
    ),
    "long tables": (
        lambda n: "| Bước | Việc |\n|---|---|\n" + "| 1 | Tiếp nhận |\n" * n,
        (1_200, 2_400, 4_800),
        "rows",
    ),
    "procedures": (_procedures, (500, 1_000, 1_990), "KB of text"),
}


def _child(sender: Connection, body: str) -> None:
    start = time.perf_counter()
    try:
        convert(body)
        outcome = "converted"
    except QMSError as exc:
        outcome = f"refused: {exc}"
    sender.send((time.perf_counter() - start, outcome))
    sender.close()


def measure(body: str, timeout: float) -> tuple[float | None, str]:
    """(seconds, outcome) of one conversion in a child process; None when stopped."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, body), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            return None, f"stopped after {timeout:g} s"
        seconds, outcome = receiver.recv()
        return seconds, outcome
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best counts)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    args = parser.parse_args()
    print(f"{'shape':<18} {'size':>22} {'bytes':>10} {'seconds':>9} {'ratio':>6}  outcome")
    for name, (build, sizes, unit) in SHAPES.items():
        previous: float | None = None
        for size in sizes:
            n = max(1, round(size * args.scale))
            body = build(n)
            runs = [measure(body, args.timeout) for _ in range(args.repeat)]
            times = [t for t, _ in runs if t is not None]
            best = min(times) if len(times) == len(runs) else None
            outcome = runs[-1][1]
            ratio = f"{best / previous:6.2f}" if best and previous else "     -"
            seconds = f"{best:9.3f}" if best is not None else "        -"
            print(
                f"{name:<18} {f'{n:,} {unit}':>22} {len(body.encode()):>10,} {seconds} {ratio}"
                f"  {outcome[:70]}",
                flush=True,
            )
            previous = best


if __name__ == "__main__":
    main()
