"""Benchmark of what people wait for at the command line: start-up and the demo.

Builds the sample QMS with ``qms init --demo`` in a fresh SQLite file, timed in turns
with the same code rendering each controlled copy in line (as the import did before the
copies were rendered on both cores) and, with ``--before``, with a checkout of the code
the target was set against; then runs each read command on it several times, each in its
own process as a user would, and prints the median wall and CPU time against the targets:

  qms --help                     0.1 s
  qms doc list                   0.3 s
  qms doc show QT-01             0.3 s
  qms trail verify               0.3 s
  qms init --demo                0.6 x the code before (both ratios are printed)

The commands run with bytecode caching on (an installed package has its ``.pyc``
files), in a scratch cache, after one warm-up run. Not run by the test suite.

    python bench/startup_bench.py [--runs 9] [--init-runs 1] [--demo-script] [--profile]
                                  [--before CHECKOUT]

``--before`` takes a checkout of the earlier code, e.g. ``git worktree add /tmp/before
81dd94d`` (the commit before the first change for these targets); it runs with this
checkout's Python environment.

``--demo-script`` also times ``scripts/demo`` (set-up must have been done: it only
checks it), writing into a scratch copy of the database. ``--profile`` also prints where
a read command's start goes: each stage below is imported in a fresh process on top of
the ones before it, and the median CPU time each adds is printed, then the rest of
``qms doc list`` (its own modules, the engine, the query, the output). The machine may be shared:
the load average is printed beside each figure; compare medians of repeated runs.

Where a read command's start goes (``--profile``, median CPU, 2-core virtual machine,
quiet, December 2026): Python 0.01 s; click and the CLI's root 0.04 s; SQLAlchemy
0.25 s; SQLModel and pydantic 0.07 s; the table classes and their mappers 0.28 s; the
command's own modules, engine, query and output nothing measurable beyond these. The
first five are the floor, above the 0.3 s target. Gone from it earlier: parsing the .po
catalogs at each start (0.09 s; the program reads the compiled .mo files), the garbage
collections through the hundred thousand objects start-up builds (0.12 s; the program
holds the collector while the modules load, then freezes them), Babel and the YAML
reader (loaded when used), and the trail's views for ``trail verify``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Stages of a read command's start, each importing what the ones before it did and more.
START_STAGES: list[tuple[str, str]] = [
    ("Python itself", "pass"),
    ("click and the CLI's root", "import qms.cli"),
    ("SQLAlchemy (core and ORM)", "import qms.cli, sqlalchemy.orm"),
    ("SQLModel and pydantic", "import qms.cli, sqlalchemy.orm, sqlmodel"),
    (
        "the table classes and their mappers",
        "import qms.cli, qms.models, sqlalchemy.orm; sqlalchemy.orm.configure_mappers()",
    ),
]
# `qms init --demo` with the controlled copies rendered one at a time (the baseline).
# ``qms init --demo`` as it ran before the copies were rendered on both cores: each
# issue's copy rendered, and waited for, as the issue takes effect.
IN_LINE = [
    sys.executable,
    "-c",
    "import sys\n"
    "from qms.services.documents import renditions\n"
    "start = renditions.PendingCopies.add\n"
    "def add(self, session, **issue):\n"
    "    start(self, session, **issue)\n"
    "    self._pending[-1][-1].result()\n"
    "renditions.PendingCopies.add = add\n"
    "from qms.cli import main\n"
    "sys.argv = ['qms', 'init', '--demo']\n"
    "main()\n",
]
READ_COMMANDS: list[tuple[list[str], float]] = [
    (["--help"], 0.1),
    (["doc", "list"], 0.3),
    (["doc", "show", "QT-01"], 0.3),
    (["trail", "verify"], 0.3),
]


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime


def report(name: str, runs: list[tuple[float, float]], target: str) -> None:
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    load = os.getloadavg()[0]
    print(
        f"{name:<24} wall {wall:6.3f} s  cpu {cpu:6.3f} s  ({len(runs)} runs, load {load:.1f})"
        f"  target {target}"
    )


def profile(env: dict[str, str], runs: int) -> None:
    """Median CPU each start-up stage adds, then what ``doc list`` adds to all of them."""
    print("where `qms doc list` starts (median CPU of each stage over the one before):")
    before = 0.0
    # The collector held while modules load, as qms.cli.main holds it.
    stages = [
        (name, [sys.executable, "-c", f"import gc; gc.disable(); {code}"])
        for name, code in START_STAGES
    ]
    stages.append(
        (
            "the command (modules, engine, query, output)",
            [sys.executable, "-m", "qms", "doc", "list"],
        )
    )
    for name, command in stages:
        timed(command, env)
        cpu = statistics.median(timed(command, env)[1] for _ in range(runs))
        print(f"  {name:<46} {cpu - before:6.3f} s   (total {cpu:.3f} s)")
        before = cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each read command")
    parser.add_argument("--init-runs", type=int, default=1, help="runs of qms init --demo")
    parser.add_argument("--demo-script", action="store_true", help="time scripts/demo too")
    parser.add_argument("--profile", action="store_true", help="where start-up goes")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="CHECKOUT",
        help="a checkout of the code to compare qms init --demo with, run in turns",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qms-startup-") as scratch:
        folder = Path(scratch)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {
            "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            "QMS_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        }
        qms = [sys.executable, "-m", "qms"]
        timed([*qms, "--help"], env)  # compiles the bytecode of what start-up imports
        turns: list[tuple[str, list[str], dict[str, str], Path | None]] = [
            ("qms init --demo", [*qms, "init", "--demo"], env, None),
            ("  renders in line", IN_LINE, env, None),
        ]
        if args.before is not None:
            before = args.before.resolve()
            old_env = env | {
                "PYTHONPATH": str(before),
                "PYTHONPYCACHEPREFIX": str(folder / "pycache-before"),
            }
            timed([*qms, "--help"], old_env, cwd=before)
            turns.append(("  the code before", [*qms, "init", "--demo"], old_env, before))
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in turns}
        for _ in range(args.init_runs):  # this code's own run last: the read commands use it
            for name, command, command_env, cwd in [*turns[1:], turns[0]]:
                for suffix in ("", "-wal", "-shm"):
                    (folder / f"demo.db{suffix}").unlink(missing_ok=True)
                runs[name].append(timed(command, command_env, cwd=cwd))
        now = statistics.median(w for w, _ in runs["qms init --demo"])
        for name, *_ in turns:
            report(name, runs[name], "0.6 x the code before" if name == turns[0][0] else "")
        for name, *_ in turns[1:]:
            ratio = now / statistics.median(w for w, _ in runs[name])
            print(f"  ratio to{name.rstrip()[1:]}: {ratio:.2f} (target at most 0.60)")
        for arguments, target in READ_COMMANDS:
            timed([*qms, *arguments], env)
            runs = [timed([*qms, *arguments], env) for _ in range(args.runs)]
            report("qms " + " ".join(arguments), runs, f"{target} s wall")
        if args.profile:
            profile(env, args.runs)
        if args.demo_script:
            env["QMS_DATABASE_URL"] = f"sqlite:///{folder / 'script.db'}"
            runs = [timed(["bash", str(ROOT / "scripts" / "demo")], env, cwd=folder)]
            report("scripts/demo", runs, "0.5 x before")


if __name__ == "__main__":
    main()
