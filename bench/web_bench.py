"""Benchmark of the web application on a large register.

Generates a register of 10,000 documents with 50,000 issues (bulk inserts; one document,
QT-00000, goes through the real services so its controlled PDF exists), then measures:

  register   p50/p95 server time of the register page (filters, pages), from the
             Server-Timing header the app sets, over --requests requests
  search     the same for searches (codes, titles, body words, with and without
             diacritics)
  pdf        downloads per second of the effective PDF under 50 concurrent clients
             against uvicorn on loopback, and of the same bytes from a static file
             route mounted only here; the ratio pdf/static. The load comes from `wrk`
             when it is installed (apt-get install wrk; it is not a project
             dependency), else from an httpx client, which limits both rates
  start-up   `qms --help`, and `qms serve` until it answers

on SQLite and on PostgreSQL (a throwaway server, or --pg-url). Not run by the tests.

    python bench/web_bench.py [--documents 10000] [--issues 5] [--requests 200]
                              [--duration 10] [--pg-url URL | --no-pg]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.db import make_engine, upgrade  # noqa: E402
from qms.models import Document, Revision, SearchTerm, User  # noqa: E402
from qms.services.documents import search_index  # noqa: E402
from qms.services.documents.search import terms_of  # noqa: E402
from qms.text import fold, sort_key  # noqa: E402
from tests.helpers import effective_document  # noqa: E402
from tests.seed import PASSWORD, seed_people  # noqa: E402

_VOCABULARY = (
    "tiếp nhận hồ sơ thủ tục hành chính công chức bộ phận một cửa kiểm tra thành phần "
    "hợp lệ phiếu hẹn trả kết quả thẩm định phê duyệt lãnh đạo phòng chuyên môn văn bản "
    "quy định thời hạn giải quyết người dân tổ chức lưu trữ theo dõi báo cáo định kỳ "
    "cập nhật hệ thống điện tử xác nhận chuyển giao phối hợp đơn vị liên quan trình ký "
    "đóng dấu ban hành thông báo công khai niêm yết đánh giá mức độ hài lòng kiểm soát "
    "tài liệu hồ sơ chất lượng mục tiêu rủi ro cơ hội cải tiến khắc phục phòng ngừa"
)
WORDS = tuple(_VOCABULARY.split())
TYPES = ("procedure", "work_instruction", "form", "manual", "policy", "record_template")
DEPARTMENTS = ("VP", "TP", "MC")
IN_PROGRESS = ("draft", "in_review", "approved")
# What people type into the register's search, without and with diacritics.
PLAIN = [
    "kiem soat",
    "tham dinh",
    "ho so mot cua",
    "QT-012",
    "BM-0",
    "niem yet",
    "danh gia hai long",
    "luu tru",
    "phong ngua rui ro",
    "khac phuc",
    "cai tien",
    "tiep nhan",
    "bao cao dinh ky",
    "QT-09999",
    "khong co tu nay",
]
MARKED = [
    "kiểm soát",
    "thẩm định",
    "hồ sơ một cửa",
    "niêm yết",
    "đánh giá hài lòng",
    "lưu trữ",
    "phòng ngừa rủi ro",
    "xử lý",
    "hành chính",
    "báo cáo định kỳ",
    "không có từ này",
]
SEARCHES = [*PLAIN, *MARKED]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _body(rng: random.Random, code: str, issue: int) -> str:
    parts = [f"# 1. Mục đích\n\n{_text(rng, 40)}.\n", f"# 2. Phạm vi\n\n{_text(rng, 30)}.\n"]
    steps = "\n".join(f"{n}. {_text(rng, 18)} (bước {n}, lần {issue})." for n in range(1, 8))
    parts.append(f"# 5. Nội dung quy trình {code}\n\n{steps}\n")
    return "\n".join(parts)


def generate(url: str, documents: int, issues: int) -> None:
    """Build the register on ``url`` (a fresh, empty database)."""
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    effective_document(engine, "QT-00000")
    rng = random.Random(2026)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        depts = dict(connection.execute(text("SELECT code, id FROM department")).all())
        drafter = connection.execute(select(User.id).where(User.username == "thu")).scalar_one()
        rows = []
        for n in range(1, documents):
            prefix = "QT" if n % 3 else "BM"
            code = f"{prefix}-{n:05d}"
            title = f"Quy trình {_text(rng, 6)}"
            rows.append(
                {
                    "code": code,
                    "title": title,
                    "doc_type": TYPES[n % len(TYPES)],
                    "department_id": depts[DEPARTMENTS[n % 3]],
                    "language": "vi",
                    "review_interval_months": 12,
                    "search_text": fold(f"{code} {title}"),
                    "title_sort_key": sort_key(title),
                    "issuer": "",
                    "external_ref": "",
                    "external_version": "",
                    "created_at": now,
                }
            )
        connection.execute(insert(Document), rows)
        ids = dict(
            connection.execute(
                select(Document.code, Document.id).where(Document.code != "QT-00000")
            ).all()
        )
        revisions, terms = [], []
        for code, doc_id in ids.items():
            for issue in range(1, issues + 1):
                status = (
                    "superseded"
                    if issue < issues - 1
                    else "effective"
                    if issue == issues - 1
                    else IN_PROGRESS[doc_id % 3]
                )
                body = _body(rng, code, issue)
                revisions.append(
                    {
                        "document_id": doc_id,
                        "issue": issue,
                        "status": status,
                        "body": body,
                        "reason": "Cập nhật" if issue > 1 else "",
                        "description": "Sửa đổi" if issue > 1 else "",
                        "content_hash": hashlib.sha256(body.encode()).hexdigest(),
                        "effective_at": now if status in ("effective", "superseded") else None,
                        "drafted_by_id": drafter,
                        "origin": "system",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if status == "effective":
                    terms.extend({"document_id": doc_id, "term": t} for t in terms_of(body))
            if len(revisions) >= 5000:
                connection.execute(insert(Revision), revisions)
                revisions = []
        if revisions:
            connection.execute(insert(Revision), revisions)
        for start in range(0, len(terms), 20_000):
            connection.execute(insert(SearchTerm), terms[start : start + 20_000])
    with Session(engine) as session:  # the full-text index, as after any bulk load
        search_index.rebuild(session)
        session.commit()
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        # what autovacuum does on a live server (index-only scans need the visibility map)
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
        counted = connection.execute(select(func.count()).select_from(Revision)).scalar_one()
        docs = connection.execute(select(func.count()).select_from(Document)).scalar_one()
        print(f"  generated {docs:,} documents, {counted:,} issues", flush=True)
    engine.dispose()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_pages(url: str, requests: int) -> dict[str, tuple[float, float]]:
    """Server time (ms) of register pages and searches, as thu (sees all) and lan (staff)."""
    from qms.settings import Settings
    from qms.web.app import create_app
    from tests.web.client import signed_in

    app = create_app(Settings(database_url=url))
    clients = [signed_in(app, "thu"), signed_in(app, "lan")]
    rng = random.Random(7)
    results: dict[str, list[float]] = {"register": [], "search": []}

    def timed(client, params) -> float:  # type: ignore[no-untyped-def]
        response = client.get("/documents", params=params)
        assert response.status_code == 200, response.text[:300]
        return float(response.headers["server-timing"].split("dur=")[1])

    for _ in range(20):  # warm-up
        timed(clients[0], {"page": rng.randint(1, 100)})
        timed(clients[1], {"q": rng.choice(SEARCHES)})
    for index in range(requests):
        client = clients[index % 2]
        params: dict[str, object] = {"page": rng.randint(1, 150)}
        if index % 3 == 1:
            params = {
                "type": rng.choice(TYPES),
                "dept": rng.choice(DEPARTMENTS),
                "page": rng.randint(1, 5),
            }
        elif index % 3 == 2 and client is clients[0]:
            params = {"status": rng.choice(["effective", *IN_PROGRESS]), "page": rng.randint(1, 30)}
        results["register"].append(timed(client, params))
        search = {"q": rng.choice(SEARCHES)}
        if index % 4 == 0:
            search["dept"] = rng.choice(DEPARTMENTS)
        results["search"].append(timed(client, search))
    for client in clients:
        client.close()
    app.state.engine.dispose()
    return {k: (statistics.median(v), _percentile(v, 0.95)) for k, v in results.items()}


def bench_app():  # type: ignore[no-untyped-def]
    """The app plus a static route serving the same PDF bytes (for comparison only)."""
    from starlette.staticfiles import StaticFiles

    from qms.web.app import create_app

    app = create_app()
    app.mount("/bench-static", StaticFiles(directory=os.environ["BENCH_STATIC_DIR"]))
    return app


def _start_server(url: str, port: int, static_dir: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "QMS_DATABASE_URL": url,
        "BENCH_STATIC_DIR": static_dir,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.web_bench:bench_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    _wait(f"http://127.0.0.1:{port}/login", process)
    return process


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


async def _throughput(base: str, path: str, clients: int, duration: float) -> tuple[float, int]:
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        token = (await client.get("/api/session")).json()["csrf_token"]
        signed = await client.post(
            "/api/session",
            json={"username": "lan", "password": PASSWORD},
            headers={"X-CSRF-Token": token},
        )
        assert signed.status_code == 200
        first = await client.get(path)
        assert first.status_code == 200
        assert first.content.startswith(b"%PDF")
        done = failed = 0
        stop = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal done, failed
            while time.perf_counter() < stop:
                try:
                    response = await client.get(path)
                except httpx.TransportError:
                    failed += 1
                    continue
                assert response.status_code == 200
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        if failed:
            print(f"  {path}: {failed} requests failed on the connection", flush=True)
        return done / (time.perf_counter() - started), len(first.content)


def _session_cookie(base: str) -> str:
    import httpx

    with httpx.Client(base_url=base) as client:
        token = client.get("/api/session").json()["csrf_token"]
        signed = client.post(
            "/api/session",
            json={"username": "lan", "password": PASSWORD},
            headers={"X-CSRF-Token": token},
        )
        assert signed.status_code == 200
        return f"qms_session={client.cookies['qms_session']}"


def _wrk(base: str, path: str, clients: int, duration: float, cookie: str) -> float:
    """Requests per second measured by wrk (a C load generator, far lighter than any
    Python client, so the client is not what limits the comparison)."""
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{max(1, int(duration))}s",
            "-H",
            f"Cookie: {cookie}",
            base + path,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    if "Non-2xx" in result.stdout:
        raise RuntimeError(f"wrk saw errors on {path}: {result.stdout}")
    return float(result.stdout.split("Requests/sec:")[1].split()[0])


def measure_downloads(url: str, duration: float) -> tuple[float, float, int]:
    from qms.db import read_session
    from qms.services.documents import renditions

    engine = make_engine(url)
    with read_session(engine) as session:
        _, _, data = renditions.document_pdf(session, viewer=None, code="QT-00000")
    engine.dispose()
    static_dir = tempfile.mkdtemp(prefix="qms-bench-static-")
    Path(static_dir, "QT-00000.pdf").write_bytes(data)
    port = _free_port()
    server = _start_server(url, port, static_dir)
    base = f"http://127.0.0.1:{port}"
    try:
        if shutil.which("wrk"):
            cookie = _session_cookie(base)
            pdf = _wrk(base, "/documents/QT-00000/pdf", 50, duration, cookie)
            static = _wrk(base, "/bench-static/QT-00000.pdf", 50, duration, cookie)
            size = len(data)
        else:
            pdf, size = asyncio.run(_throughput(base, "/documents/QT-00000/pdf", 50, duration))
            static, _ = asyncio.run(_throughput(base, "/bench-static/QT-00000.pdf", 50, duration))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return pdf, static, size


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def measure_startup(url: str) -> tuple[float, float]:
    qms = str(Path(sys.executable).parent / "qms")
    helps = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([qms, "--help"], check=True, capture_output=True)
        helps.append(time.perf_counter() - started)
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [qms, "serve", "--port", str(port)],
        env={**os.environ, "QMS_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/login", server)
        serve = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return min(helps), serve


def run(name: str, url: str, args: argparse.Namespace) -> list[str]:
    print(f"{name}: generating", flush=True)
    started = time.perf_counter()
    generate(url, args.documents, args.issues)
    print(f"  in {time.perf_counter() - started:.0f} s; measuring pages", flush=True)
    pages = measure_pages(url, args.requests)
    print(f"  pages (p50, p95 ms): {pages}", flush=True)
    print("  measuring downloads", flush=True)
    pdf, static, size = measure_downloads(url, args.duration)
    lines = [
        f"{name:<11}{'register':<10}p50 {pages['register'][0]:7.1f} ms   p95 {pages['register'][1]:7.1f} ms",
        f"{'':<11}{'search':<10}p50 {pages['search'][0]:7.1f} ms   p95 {pages['search'][1]:7.1f} ms",
        f"{'':<11}{'pdf':<10}{pdf:7.0f} downloads/s ({size:,} bytes), static {static:7.0f}/s, "
        f"ratio {pdf / static:.2f}",
    ]
    if name == "sqlite":
        helps, serve = measure_startup(url)
        lines.append(f"{'':<11}{'start-up':<10}qms --help {helps:.2f} s, qms serve {serve:.2f} s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--issues", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to fill")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qms-web-bench-"))
    table = run("sqlite", f"sqlite:///{folder / 'bench.db'}", args)
    if not args.no_pg:
        if args.pg_url:
            table += run("postgresql", args.pg_url, args)
        else:
            from tests.pgserver import PostgresServer

            server = PostgresServer().start()
            try:
                table += run("postgresql", server.url, args)
            finally:
                server.stop()
    print(
        "\n".join(
            ["", f"{args.documents:,} documents, {args.documents * args.issues:,} issues", *table]
        )
    )


if __name__ == "__main__":
    main()
