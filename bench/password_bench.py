"""Benchmark of a burst of sign-ins against the per-process bound on password hashing.

For each bound, a fresh process checks ``--burst`` passwords in as many threads, all
starting at once (as a worker's thread pool does under a burst of sign-ins), and the
benchmark prints the wall time of the burst, the growth of the process's peak resident
memory (VmHWM in /proc, Linux) and that peak before the burst (the process's base). Not
run by the test suite.

    python bench/password_bench.py [--burst 24] [--bounds 1,2,4,0] [--repeat 1]

Bound 0 means unbounded (as many at once as the burst). With --repeat N each bound runs
N times; the best time and the highest peak are reported (the machine may be shared).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from argon2 import PasswordHasher

PASSWORD = "correct-horse-battery"  # noqa: S105  (a sample to hash)

BURST = """
import re, sys, threading, time
from qms.services.people import passwords

def peak_kib():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))

password, password_hash = sys.argv[1], sys.argv[2]
bound, burst = int(sys.argv[3]), int(sys.argv[4])
passwords.limit_concurrent_hashes(bound or burst)
before = peak_kib()
start = threading.Barrier(burst + 1)

def check():
    start.wait()
    assert passwords.verify(password_hash, password)

threads = [threading.Thread(target=check) for _ in range(burst)]
for thread in threads:
    thread.start()
start.wait()
began = time.perf_counter()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - began
after = peak_kib()
print(elapsed, before, after - before)
"""


def run(password_hash: str, bound: int, burst: int) -> tuple[float, int, int]:
    done = subprocess.run(
        [sys.executable, "-c", BURST, PASSWORD, password_hash, str(bound), str(burst)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        check=True,
    )
    elapsed, before, growth = done.stdout.split()
    return float(elapsed), int(before) // 1024, int(growth) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=24)
    parser.add_argument("--bounds", default="1,2,4,0")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    password_hash = PasswordHasher().hash(PASSWORD)
    print(f"{args.burst} password checks at once, argon2 parameters: {password_hash[:28]}")
    print(f"{'bound':>9} {'burst s':>8} {'per check ms':>13} {'base MiB':>9} {'peak +MiB':>10}")
    for bound in (int(b) for b in args.bounds.split(",")):
        results = [run(password_hash, bound, args.burst) for _ in range(args.repeat)]
        elapsed = min(r[0] for r in results)
        base = max(r[1] for r in results)
        growth = max(r[2] for r in results)
        label = str(bound) if bound else "unbounded"
        per_check = elapsed / args.burst * 1000
        print(f"{label:>9} {elapsed:>8.2f} {per_check:>13.0f} {base:>9} {growth:>10}")


if __name__ == "__main__":
    main()
