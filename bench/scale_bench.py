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

With --lists it builds instead an audit in progress with --items checklist items (most
unanswered) and --cars open corrective actions with two actions each, and measures the
audit's checklist (first page, a deep page, the items still to answer, the audit page,
its findings, one answer saved as the page's htmx row), the corrective-action register
(first page, a filter, a deep page), what is overdue, and the JSON API lists, as binh
(the audit's lead) and thu (a controller who sees every record).

each as p95 of the server time (the Server-Timing header the app sets) and of the time to
the first byte seen by an HTTP client on loopback, against the targets (50 ms server,
80 ms first byte), on SQLite and on PostgreSQL (a throwaway server). Not run by the tests.

    python bench/scale_bench.py [--documents 100000] [--requests 200] [--no-pg | --only-pg]
                                [--cache DIR]
    python bench/scale_bench.py --lists [--items 10000] [--cars 10000] [--requests 100]
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
                f"{name:<11}{area:<16}server p50 {statistics.median(values):6.1f} "
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


def _serve(url: str) -> tuple[subprocess.Popen[bytes], int]:
    """The app under uvicorn on a free loopback port, on the database at ``url``."""
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
    return server, port


def measure(url: str, requests: int) -> Timings:
    server, port = _serve(url)
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
    parser.add_argument("--lists", action="store_true", help="the audit checklist and CAR lists")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--cars", type=int, default=10_000)
    parser.add_argument("--only-pg", action="store_true", help="measure PostgreSQL only")
    args = parser.parse_args()
    if args.lists:
        main_lists(args)
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    table = []
    if not args.only_pg:
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


# ------------------------------------------------------------------ lists that grow with work

LIST_SIZE = 50  # the pages' rows per page


def generate_lists(url: str, items: int, cars: int) -> str:
    """An audit of MC in progress (lead binh) whose checklist holds ``items`` items, one in
    twenty answered and one in a hundred nonconforming with its finding, and ``cars`` open
    corrective actions (every open status, the three departments) with two actions each,
    one of them overdue. Bulk inserts after the real services plan and start the audit.
    Returns the audit's reference."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import func, insert, select, text

    from qms.db import make_engine, upgrade, write_session
    from qms.models import (
        Audit,
        CapaAction,
        ChecklistItem,
        CorrectiveActionRequest,
        Finding,
        User,
    )
    from qms.services.audits import planning as audits
    from qms.services.people import organisation, users
    from tests.seed import seed_people

    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    with write_session(engine) as session:
        binh = users.get_user(session, "binh")
        day = organisation.today(session)
        audit = audits.plan(
            session,
            actor=binh,
            departments=["MC"],
            clauses=["7.5", "8.2", "9.1"],
            procedures=[],
            lead="binh",
            team=[],
            auditee_rep="lan",
            planned_start=day,
            planned_end=day + timedelta(days=30),
            objectives="Đánh giá nội bộ Bộ phận Một cửa",
        )
        session.commit()
        ref = audit.ref
        audits.start(session, actor=binh, ref=ref)
        session.commit()
    rng = random.Random(2026)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with engine.begin() as connection:
        audit_id = connection.execute(select(Audit.id).where(Audit.ref == ref)).scalar_one()
        frozen = connection.execute(
            select(ChecklistItem).where(ChecklistItem.audit_id == audit_id)
        ).all()
        people = dict(connection.execute(select(User.username, User.id)).all())
        depts = dict(connection.execute(text("SELECT code, id FROM department")).all())
        rows = []
        for n in range(len(frozen) + 1, items + 1):
            model = frozen[n % len(frozen)]
            answered = n % 20 == 0
            nonconforming = n % 100 == 0
            rows.append(
                {
                    "audit_id": audit_id,
                    "number": n,
                    "source": model.source,
                    "clause": model.clause,
                    "clause_2008": model.clause_2008,
                    "question_key": model.question_key,
                    "question_vi": f"{model.question_vi} ({n})",
                    "question_en": f"{model.question_en} ({n})",
                    "department_id": depts["MC"],
                    "result": ("NC_MINOR" if nonconforming else "C") if answered else None,
                    "evidence": "Đã kiểm tra sổ theo dõi" if answered else "",
                    "recorded_by_id": people["binh"] if answered else None,
                    "recorded_at": now if answered else None,
                }
            )
        for start in range(0, len(rows), 5000):
            connection.execute(insert(ChecklistItem), rows[start : start + 5000])
        graded = connection.execute(
            select(ChecklistItem.id, ChecklistItem.clause)
            .where(ChecklistItem.audit_id == audit_id, ChecklistItem.result == "NC_MINOR")
            .order_by(ChecklistItem.number)
        ).all()
        connection.execute(
            insert(Finding),
            [
                {
                    "audit_id": audit_id,
                    "item_id": item_id,
                    "number": number,
                    "grade": "NC_MINOR",
                    "clause": clause,
                    "department_id": depts["MC"],
                    "statement": "Sổ theo dõi không cập nhật",
                    "evidence": "Sổ tháng 11",
                    "created_at": now,
                    "updated_at": now,
                }
                for number, (item_id, clause) in enumerate(graded, start=1)
            ],
        )
        statuses = ("open", "contained", "cause_analysed", "actions_planned", "actions_done")
        codes = tuple(depts.values())
        records = [
            {
                "ref": f"CAR-2026-{n:03d}",
                "year": 2026,
                "number": n,
                "status": statuses[n % len(statuses)],
                "source": "other",
                "description": f"Hồ sơ trả trễ hẹn {_words(rng, 8)}",
                "department_id": codes[n % len(codes)],
                "clause": "8.5.1",
                "severity": "minor" if n % 4 else "major",
                "reported_by_id": people["thu"],
                "reported_at": now - timedelta(hours=n),
                "containment": "",
                "root_cause": "",
                "similar_answer": "",
                "created_at": now,
                "updated_at": now,
            }
            for n in range(1, cars + 1)
        ]
        for start in range(0, len(records), 5000):
            connection.execute(insert(CorrectiveActionRequest), records[start : start + 5000])
        ids = connection.execute(select(CorrectiveActionRequest.id)).scalars().all()
        owners = (people["lan"], people["hung"], people["mai"])
        actions = []
        for capa_id in ids:
            for number in (1, 2):
                late = number == 1
                actions.append(
                    {
                        "capa_id": capa_id,
                        "number": number,
                        "description": f"Bổ sung bước theo dõi thời hạn {number}",
                        "owner_id": owners[capa_id % len(owners)],
                        "due_date": date(2026, 1, 1) if late else date(2099, 1, 1),
                        "status": "open",
                        "done_note": "",
                        "created_at": now,
                    }
                )
            if len(actions) >= 5000:
                connection.execute(insert(CapaAction), actions)
                actions = []
        if actions:
            connection.execute(insert(CapaAction), actions)
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
        counted = connection.execute(select(func.count()).select_from(ChecklistItem)).scalar_one()
        records_n = connection.execute(
            select(func.count()).select_from(CorrectiveActionRequest)
        ).scalar_one()
        print(f"  generated {counted:,} checklist items, {records_n:,} open CARs", flush=True)
    engine.dispose()
    return ref


def _words(rng: random.Random, count: int) -> str:
    from bench.web_bench import WORDS

    return " ".join(rng.choice(WORDS) for _ in range(count))


def _cached_lists_sqlite(cache: Path, items: int, cars: int) -> tuple[Path, str]:
    path = cache / f"lists-{items}-{cars}.db"
    ref_file = path.with_suffix(".ref")
    if not path.exists():
        print(f"sqlite: generating {items:,} items, {cars:,} CARs into {path}", flush=True)
        started = time.perf_counter()
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        ref_file.write_text(generate_lists(f"sqlite:///{building}", items, cars))
        building.rename(path)
        print(f"  in {time.perf_counter() - started:.0f} s", flush=True)
    return path, ref_file.read_text()


def _cached_lists_pg(cache: Path, items: int, cars: int, server: PostgresServer) -> tuple[str, str]:
    dump = cache / f"lists-{items}-{cars}.pgdump"
    ref_file = dump.with_suffix(".pgref")
    url = server.create_database("lists")
    if dump.exists():
        print(f"postgresql: restoring {dump}", flush=True)
        subprocess.run(
            [str(server.bin / "pg_restore"), "--no-owner", "-d", url, str(dump)], check=True
        )
        _vacuum(url)
        return url, ref_file.read_text()
    print(f"postgresql: generating {items:,} items, {cars:,} CARs", flush=True)
    started = time.perf_counter()
    ref_file.write_text(generate_lists(url, items, cars))
    print(f"  in {time.perf_counter() - started:.0f} s", flush=True)
    subprocess.run([str(server.bin / "pg_dump"), "-Fc", "-f", str(dump), url], check=True)
    return url, ref_file.read_text()


def _timed_save(client, path: str, result: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Server time and first byte (ms) of one checklist answer saved as htmx does."""
    token = client.get("/api/session").json()["csrf_token"]
    started = time.perf_counter()
    with client.stream(
        "POST",
        path,
        data={"result": result, "evidence": "Đã xem sổ", "csrf_token": token},
        headers={"HX-Request": "true"},
    ) as response:
        first_byte = (time.perf_counter() - started) * 1000
        response.read()
    assert response.status_code == 200, response.text[:300]
    return float(response.headers["server-timing"].split("dur=")[1]), first_byte


def measure_lists(url: str, ref: str, items: int, cars: int, requests: int) -> Timings:
    server, port = _serve(url)
    timings = Timings()
    item_pages = max(1, -(-items // LIST_SIZE))
    car_pages = max(1, -(-cars // LIST_SIZE))
    checklist = f"/audits/{ref}/checklist"
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/login", server)
        binh, thu = _client(base, "binh"), _client(base, "thu")
        rng = random.Random(11)
        for _ in range(5):  # warm-up
            _timed(binh, checklist, {"page": rng.randint(1, item_pages)})
            _timed(thu, "/capa", {"page": rng.randint(1, car_pages)})
        saved = 0
        for index in range(requests):
            deep = rng.randint(item_pages * 3 // 4, item_pages)
            timings.add("checklist", *_timed(binh, checklist, {}))
            timings.add("checklist deep", *_timed(binh, checklist, {"page": deep}))
            timings.add(
                "checklist todo",
                *_timed(binh, checklist, {"show": "unanswered", "page": rng.randint(1, 50)}),
            )
            timings.add("capa", *_timed(thu, "/capa", {}))
            timings.add(
                "capa filter",
                *_timed(
                    thu,
                    "/capa",
                    {
                        "status": rng.choice(("open", "contained", "actions_planned")),
                        "dept": rng.choice(DEPARTMENTS),
                        "page": rng.randint(1, 5),
                    },
                ),
            )
            page = rng.randint(car_pages * 3 // 4, car_pages)
            timings.add("capa deep", *_timed(thu, "/capa", {"page": page}))
            if index % 4 == 0:
                timings.add("audit page", *_timed(binh, f"/audits/{ref}", {}))
                timings.add("findings", *_timed(binh, f"/audits/{ref}/findings", {}))
                timings.add("api checklist", *_timed(binh, f"/api{checklist}", {"page": deep}))
                timings.add("api capa", *_timed(thu, "/api/capa", {"page": page}))
                timings.add("capa overdue", *_timed(thu, "/capa/overdue", {"page": page}))
                saved += 1  # unanswered items (numbers not divisible by 20)
                number = items - 20 * saved - 1
                path = f"/audits/{ref}/items/{number}"
                timings.add("checklist save", *_timed_save(binh, path, "C"))
        binh.close()
        thu.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return timings


def main_lists(args: argparse.Namespace) -> None:
    args.cache.mkdir(parents=True, exist_ok=True)
    table = []
    with tempfile.TemporaryDirectory(prefix="qms-lists-") as work:
        cached, ref = _cached_lists_sqlite(args.cache, args.items, args.cars)
        copy = Path(work) / "lists.db"
        shutil.copyfile(cached, copy)
        url = f"sqlite:///{copy}"
        _upgrade(url)
        print(f"sqlite: measuring (load {_load()})", flush=True)
        table += measure_lists(url, ref, args.items, args.cars, args.requests).lines("sqlite")
    if not args.no_pg:
        server = PostgresServer().start()
        try:
            url, ref = _cached_lists_pg(args.cache, args.items, args.cars, server)
            _upgrade(url)
            print(f"postgresql: measuring (load {_load()})", flush=True)
            table += measure_lists(url, ref, args.items, args.cars, args.requests).lines(
                "postgresql"
            )
        finally:
            server.stop()
    print(
        "\n".join(
            [
                "",
                f"an audit of {args.items:,} checklist items, {args.cars:,} open CARs",
                *table,
            ]
        )
    )


if __name__ == "__main__":
    main()
