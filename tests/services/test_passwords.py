"""Password hashing is bounded per process: a burst of sign-ins queues for the argon2
work instead of taking 64 MiB each at once.

The observable is the peak resident memory of a fresh process that checks 12 passwords
in 12 threads at the same moment: about 12 x 64 MiB unbounded, about bound x 64 MiB with
the bound. The peak is the process's own high-water mark (``VmHWM`` in /proc, Linux):
``ru_maxrss`` would not do, as a child starts with its parent's peak as its own."""

import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from qms.services.people import passwords

MIB = 1024  # /proc reports KiB
ARGON2_MEMORY = 64 * MIB  # the parameters' memory cost, per hash at work
THREADS = 12
PASSWORD = "correct-horse-battery"

BURST = f"""
import re, sys, threading
from qms.services.people import passwords

def peak_kib():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))

password_hash, bound = sys.argv[1], int(sys.argv[2])
if bound:
    passwords.limit_concurrent_hashes(bound)
before = peak_kib()
start = threading.Barrier({THREADS})
matched = []

def check():
    start.wait()
    matched.append(passwords.verify(password_hash, {PASSWORD!r}))

threads = [threading.Thread(target=check) for _ in range({THREADS})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert matched == [True] * {THREADS}
print(peak_kib() - before)
"""


def _peak_growth(bound: int = 0) -> int:
    """KiB the peak memory of a fresh process grows by while it checks 12 passwords at
    once (``bound`` 0: the process keeps the default bound)."""
    password_hash = PasswordHasher().hash(PASSWORD)  # made here: the child only verifies
    done = subprocess.run(
        [sys.executable, "-c", BURST, password_hash, str(bound)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        check=True,
        timeout=300,
    )
    return int(done.stdout.strip())


def test_a_burst_of_password_checks_stays_within_the_bound() -> None:
    growth = _peak_growth()
    assert passwords.DEFAULT_BOUND == 2
    assert growth < 4 * ARGON2_MEMORY, f"peak grew by {growth // MIB} MiB"


def test_without_a_bound_the_same_burst_takes_64_mib_a_check() -> None:
    """The measurement sees the difference: allowed all 12 at once, the peak grows by
    most of 12 x 64 MiB."""
    assert _peak_growth(bound=THREADS) > 8 * ARGON2_MEMORY


def test_the_bound_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least one"):
        passwords.limit_concurrent_hashes(0)
