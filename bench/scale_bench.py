"""Benchmark of the register, search and home page at city scale.

Builds a register of --documents documents with five issues each (the generator of
bench/web_bench.py: bulk inserts, QT-00000 through the real services), once per size and
schema: the SQLite file and a PostgreSQL dump are cached under --cache (a temp folder by
default) and reused by later runs. Then, against uvicorn on loopback, it measures

  register          pages of the register (filters, statuses, deep pages)
  register sort     pages of the register sorted by a column, either way
  search            searches written without diacritics ("kiem soat", codes)
  search (dấu)      searches written with diacritics ("kiểm soát")
  home              the home page of thu (a controller with every generated draft) and of
                    lan (staff with every unacknowledged effective issue of her department)
  inbox pages       pages of their inbox sections, anywhere from the first to the last

each as p95 of the server time (the Server-Timing header the app sets) and of the time to
the first byte seen by an HTTP client on loopback, against the targets (50 ms server,
80 ms first byte), on SQLite and on PostgreSQL (a throwaway server). Not run by the tests.

    python bench/scale_bench.py [--documents 100000] [--requests 200] [--no-pg]
                                [--cache DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web_bench import (  # noqa: E402
    DEPARTMENTS,
    IN_PROGRESS,
    MARKED,
    PLAIN,
    TYPES,
    generate,
)
from bench.web_bench import _free_port as free_port  # noqa: E402
from bench.web_bench import _percentile as percentile  # noqa: E402
from bench.web_bench import _wait as wait_for  # noqa: E402
from tests.pgserver import PostgresServer  # noqa: E402
from tests.seed import PASSWORD  # noqa: E402

# The register's sortable columns (an older server ignores the parameters).
SORTS = ("code", "title", "type", "department", "status", "effective")
# The inbox sections paged through, with how many pages of 20 each holds at 10,000
# documents: thu's (a controller's) and lan's (staff); at 100,000 the same pages.
INBOX_PAGES = {
    True: (("drafts", 166), ("publish", 166), ("waiting", 166), ("late_readers", 499)),
    False: (("read_overdue", 166),),
}
SERVER_TARGET_MS = 50.0
FIRST_BYTE_TARGET_MS = 80.0


def _cached_sqlite(cache: Path, documents: int) -> Path:
    path = cache / f"scale-{documents}.db"
    if not path.exists():
        print(f"sqlite: generating {documents:,} documents into {path}", flush=True)
        started = time.perf_counter()
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        generate(f"sqlite:///{building}", documents, 5)
        building.rename(path)
        print(f"  in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _cached_pg(cache: Path, documents: int, server: PostgresServer) -> str:
    """A database on ``server`` holding the register: restored from the cached dump, or
    generated (and dumped for the next run)."""
    dump = cache / f"scale-{documents}.pgdump"
    name = "scale"
    url = server.create_database(name)
    if dump.exists():
        print(f"postgresql: restoring {dump}", flush=True)
        subprocess.run(
            [str(server.bin / "pg_restore"), "--no-owner", "-d", url, str(dump)], check=True
        )
        _vacuum(url)  # the restore leaves no statistics
        return url
    print(f"postgresql: generating {documents:,} documents", flush=True)
    started = time.perf_counter()
    generate(url, documents, 5)
    print(f"  in {time.perf_counter() - started:.0f} s", flush=True)
    subprocess.run([str(server.bin / "pg_dump"), "-Fc", "-f", str(dump), url], check=True)
    return url


def _vacuum(url: str) -> None:
    from sqlalchemy import text

    from qms.db import make_engine

    engine = make_engine(url)
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _upgrade(url: str) -> None:
    """The schema of the code under test (a cached database may be older: the migrations
    then build what this code needs from the data, as on a real upgrade)."""
    from qms.db import make_engine, upgrade

    engine = make_engine(url)
    started = time.perf_counter()
    upgrade(engine)
    print(f"  schema upgraded in {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()
    if url.startswith("postgresql"):
        _vacuum(url)


class Timings:
    def __init__(self) -> None:
        self.server: dict[str, list[float]] = {}
        self.first_byte: dict[str, list[float]] = {}

    def add(self, area: str, server_ms: float, first_byte_ms: float) -> None:
        self.server.setdefault(area, []).append(server_ms)
        self.first_byte.setdefault(area, []).append(first_byte_ms)

    def lines(self, name: str) -> list[str]:
        lines = []
        for area, values in self.server.items():
            server = percentile(values, 0.95)
            first = percentile(self.first_byte[area], 0.95)
            verdict = (
                "ok" if server <= SERVER_TARGET_MS and first <= FIRST_BYTE_TARGET_MS else "MISSED"
            )
            lines.append(
                f"{name:<11}{area:<14}server p50 {statistics.median(values):6.1f} "
                f"p95 {server:6.1f} ms (<= {SERVER_TARGET_MS:.0f})   first byte p95 "
                f"{first:6.1f} ms (<= {FIRST_BYTE_TARGET_MS:.0f})   {verdict}"
            )
        return lines


def _client(base: str, username: str):  # type: ignore[no-untyped-def]
    import httpx

    client = httpx.Client(base_url=base, timeout=60)
    token = client.get("/api/session").json()["csrf_token"]
    signed = client.post(
        "/api/session",
        json={"username": username, "password": PASSWORD},
        headers={"X-CSRF-Token": token},
    )
    assert signed.status_code == 200, signed.text
    return client


def _timed(client, path: str, params: dict[str, object]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Server time and time to the first byte (ms) of one GET."""
    started = time.perf_counter()
    with client.stream("GET", path, params=params) as response:
        first_byte = (time.perf_counter() - started) * 1000
        response.read()
    assert response.status_code == 200, response.text[:300]
    return float(response.headers["server-timing"].split("dur=")[1]), first_byte


def measure(url: str, requests: int) -> Timings:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "qms.web.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={"QMS_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
    )
    timings = Timings()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/login", server)
        thu, lan = _client(base, "thu"), _client(base, "lan")
        rng = random.Random(7)
        for _ in range(10):  # warm-up
            _timed(thu, "/documents", {"page": rng.randint(1, 100)})
            _timed(lan, "/documents", {"q": rng.choice(PLAIN)})
        for index in range(requests):
            client = (thu, lan)[index % 2]
            params: dict[str, object] = {"page": rng.randint(1, 150)}
            if index % 3 == 1:
                params = {
                    "type": rng.choice(TYPES),
                    "dept": rng.choice(DEPARTMENTS),
                    "page": rng.randint(1, 5),
                }
            elif index % 3 == 2 and client is thu:
                params = {
                    "status": rng.choice(["effective", *IN_PROGRESS]),
                    "page": rng.randint(1, 30),
                }
            timings.add("register", *_timed(client, "/documents", params))
            ordered = {
                "sort": rng.choice(SORTS),
                "dir": rng.choice(("asc", "desc")),
                "page": rng.randint(1, 30),
            }
            timings.add("register sort", *_timed(client, "/documents", ordered))
            for area, words in (("search", PLAIN), ("search (dấu)", MARKED)):
                search: dict[str, object] = {"q": rng.choice(words)}
                if index % 4 == 0:
                    search["dept"] = rng.choice(DEPARTMENTS)
                timings.add(area, *_timed(client, "/documents", search))
            if index % 4 == 0:
                timings.add("home", *_timed(client, "/", {}))
            key, pages = rng.choice(INBOX_PAGES[client is thu])
            timings.add(
                "inbox pages", *_timed(client, f"/inbox/{key}", {"page": rng.randint(1, pages)})
            )
        thu.close()
        lan.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return timings


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        return loadavg.read().split(" ")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "qms-scale")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    table = []
    with tempfile.TemporaryDirectory(prefix="qms-scale-") as work:
        copy = Path(work) / "bench.db"
        shutil.copyfile(_cached_sqlite(args.cache, args.documents), copy)
        url = f"sqlite:///{copy}"
        _upgrade(url)
        print(f"sqlite: measuring (load {_load()})", flush=True)
        table += measure(url, args.requests).lines("sqlite")
    if not args.no_pg:
        server = PostgresServer().start()
        try:
            url = _cached_pg(args.cache, args.documents, server)
            _upgrade(url)
            print(f"postgresql: measuring (load {_load()})", flush=True)
            table += measure(url, args.requests).lines("postgresql")
        finally:
            server.stop()
    print(
        "\n".join(
            ["", f"{args.documents:,} documents, {args.documents * 5:,} issues", *table],
        )
    )


if __name__ == "__main__":
    main()
