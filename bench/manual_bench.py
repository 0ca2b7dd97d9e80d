"""Benchmark of manual compilation against one single-pass WeasyPrint render.

Generates about 100 synthetic Vietnamese procedures (about 3 pages each, with
responsibility tables) and measures, each phase in its own process:

  single   one WeasyPrint render of all documents concatenated as one HTML
  cold     compile_manual with no stored renditions
  rebuild  compile_manual with stored renditions for all but one document

Times exclude the one-off start-up (imports, fonts, the render worker server),
which a running server pays once; it is printed beside each phase.

For every phase it prints the wall time and the peak memory: the largest sum
of resident memory over the phase's process tree (sampled from /proc every
50 ms, so Linux only) and the largest single process (ru_maxrss). Then the
ratios rebuild/cold and cold/single. Not run by the test suite.

    python bench/manual_bench.py [--documents 100] [--workers 2] [--repeat 1]

With --command it measures what a person waits for instead: ``qms pdf manual`` run end
to end as a new process (start-up, queries, the render worker, assembly) on a SQLite
register of --documents effective procedures, after one of them took effect in a new
issue (target: at most 1.0 s), next to the same command when nothing changed; beside
the best wall time, the best CPU time of all the command's processes (render worker
included), which a loaded machine inflates much less.

With --repeat N the phases run N times, interleaved; the best time and the
highest memory of each phase are reported (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

from qms.render import (
    DocumentRendition,
    HistoryEntry,
    ManualEntry,
    ManualSpec,
    SignatureLine,
    compile_manual,
    render_document_pdf,
    start_workers,
)

_VOCABULARY = (
    "tiếp nhận hồ sơ thủ tục hành chính công chức bộ phận một cửa kiểm tra thành phần "
    "hợp lệ phiếu hẹn trả kết quả thẩm định phê duyệt lãnh đạo phòng chuyên môn văn bản "
    "quy định thời hạn giải quyết người dân tổ chức lưu trữ theo dõi báo cáo định kỳ "
    "cập nhật hệ thống điện tử xác nhận chuyển giao phối hợp đơn vị liên quan trình ký "
    "đóng dấu ban hành thông báo công khai niêm yết đánh giá mức độ hài lòng"
)
WORDS = tuple(_VOCABULARY.split())
UNITS = ("Bộ phận Một cửa", "Phòng Tư pháp", "Phòng Quản lý đô thị", "Phòng Nội vụ", "TKISO")


def sentence(rng: random.Random, low: int = 12, high: int = 28) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def body(rng: random.Random) -> str:
    rows = "\n".join(
        f"| {step} | {sentence(rng, 5, 10)} | {rng.choice(UNITS)} | "
        f"{rng.randint(1, 10):02d} ngày làm việc | BM-{rng.randint(1, 20):02d}-{step:02d} |"
        for step in range(1, 9)
    )
    records = "\n".join(
        f"| {n} | {sentence(rng, 4, 7)} | {rng.choice(UNITS)} | {rng.choice((3, 5, 10))} năm |"
        for n in range(1, 6)
    )
    steps = "\n".join(f"{n}. {sentence(rng)}" for n in range(1, 6))
    return f"""# 1. MỤC ĐÍCH

{paragraph(rng, 3)}

# 2. PHẠM VI ÁP DỤNG

- {sentence(rng)}
- {sentence(rng)}

# 3. TÀI LIỆU VIỆN DẪN

- TCVN ISO 9001:2015.
- Nghị định số 30/2020/NĐ-CP về công tác văn thư.

# 4. ĐỊNH NGHĨA VÀ VIẾT TẮT

{paragraph(rng, 2)}

# 5. NỘI DUNG QUY TRÌNH

{steps}

## 5.1 Bảng trách nhiệm

| Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu |
|---|---|---|---|---|
{rows}

# 6. HỒ SƠ CẦN LƯU

| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |
|---|---|---|---|
{records}
"""


def renditions(count: int) -> list[DocumentRendition]:
    rng = random.Random(20250301)
    docs = []
    for n in range(1, count + 1):
        signed = datetime(2025, 2, 1 + n % 27, 2, 0)
        docs.append(
            DocumentRendition(
                organisation="ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
                code=f"QT-{n:03d}",
                title=f"Quy trình giải quyết thủ tục hành chính số {n}",
                doc_type="procedure",
                department=rng.choice(UNITS),
                language="vi",
                issue=1 + n % 3,
                status="effective",
                effective_date=date(2025, 3, 1),
                body_markdown=body(rng),
                content_hash=f"{n:064x}",
                signatures=tuple(
                    SignatureLine(meaning, "Nguyễn Văn An", "Trưởng phòng", signed, True)
                    for meaning in ("drafted", "reviewed", "approved")
                ),
                history=(HistoryEntry(1, date(2024, 1, 2), "Ban hành lần đầu", "Ban hành"),),
                author="Thư ký ISO",
            )
        )
    return docs


def spec(entries: list[ManualEntry]) -> ManualSpec:
    return ManualSpec(
        organisation="ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        title="Hệ thống quản lý chất lượng — Tài liệu hiện hành",
        language="vi",
        compiled_on=date(2025, 4, 1),
        entries=tuple(entries),
    )


def single_pass(docs: list[DocumentRendition]) -> bytes:
    """All documents as one HTML, laid out by one WeasyPrint call in this process."""
    from qms.render.paths import pdf_assets_dir
    from qms.render.pdf import RenderInput, build_document_input, prepared_to_pdf

    assets = pdf_assets_dir()
    bodies, images, css = [], {}, ()
    for doc in docs:
        page = build_document_input(doc, assets_dir=assets)
        inner = page.html.split("<body>", 1)[1].rsplit("</body>", 1)[0]
        bodies.append(f'<div style="page-break-before: always">{inner}</div>')
        images.update(page.images)
        css = page.stylesheets
    html = "<!DOCTYPE html><html lang=vi><head><meta charset=utf-8><title>x</title></head><body>"
    html += "".join(bodies) + "</body></html>"
    one = RenderInput(html=html, stylesheets=css, images=images, generated={}, identifier=b"bench")
    return prepared_to_pdf(one, assets_dir=assets)


def run_phase(phase: str, count: int, workers: int, folder: Path) -> dict[str, float]:
    docs = renditions(count)
    warm_started = time.perf_counter()
    if phase == "single":  # the same one-off imports and font loading as the workers do
        from qms.render.pdf import render_document

        render_document(renditions(1)[0])
    else:
        start_workers()
    warm_up = time.perf_counter() - warm_started
    started = time.perf_counter()
    if phase == "prepare":
        stored = [render_document_pdf(doc) for doc in docs]
        (folder / "stored.pickle").write_bytes(pickle.dumps(stored))
        pdf = b""
    elif phase == "single":
        pdf = single_pass(docs)
    elif phase == "cold":
        pdf = compile_manual(spec([ManualEntry(d, None) for d in docs]), workers=workers)
    elif phase == "rebuild":
        stored = pickle.loads((folder / "stored.pickle").read_bytes())  # noqa: S301
        changed = len(docs) // 2
        entries = [
            ManualEntry(d, None if i == changed else p)
            for i, (d, p) in enumerate(zip(docs, stored, strict=True))
        ]
        del stored
        pdf = compile_manual(spec(entries), workers=workers)
    else:
        raise SystemExit(f"unknown phase {phase}")
    elapsed = time.perf_counter() - started
    pages = 0
    if pdf:
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    _stop_forkserver()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": elapsed,
        "warm_up": warm_up,
        "pages": pages,
        "max_process_kb": max(own, children),
    }


def _stop_forkserver() -> None:
    """Wait for the forkserver so its workers count in RUSAGE_CHILDREN."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


def tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry)] = int(fields.get("PPid", "0").strip())
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        total += rss.get(pid, 0)
        frontier.extend(child for child, parent in parents.items() if parent == pid)
    return total


def measure(phase: str, count: int, workers: int, folder: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--phase", phase, "--documents", str(count)]
    command += ["--workers", str(workers), "--folder", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"phase {phase} failed")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["peak_tree_mb"] = peak / 1024
    return result


def command_register(folder: Path, count: int) -> dict[str, str]:
    """A SQLite register of ``count`` effective procedures built through the services
    (each controlled PDF rendered when it takes effect); the environment to use it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from qms.db import make_engine, upgrade
    from tests.helpers import new_draft, to_effective
    from tests.seed import seed_people

    url = f"sqlite:///{folder / 'manual.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    rng = random.Random(20250301)
    for n in range(1, count + 1):
        title = f"Quy trình giải quyết thủ tục hành chính số {n}"
        new_draft(engine, f"QT-{n:03d}", title=title, department="VP", body=body(rng))
        to_effective(engine, f"QT-{n:03d}")
    engine.dispose()
    return {**os.environ, "QMS_DATABASE_URL": url}


def change_one(env: dict[str, str], code: str, seed: int) -> None:
    """A new issue of ``code`` takes effect (its controlled PDF rendered then, as always)."""
    from qms.db import make_engine
    from qms.services.documents import revisions
    from tests.helpers import act, to_effective

    engine = make_engine(env["QMS_DATABASE_URL"])
    new_body = body(random.Random(seed)) + f"\n\nSửa đổi lần {seed}.\n"
    act(
        engine,
        revisions.revise,
        "thu",
        code=code,
        body=new_body,
        reason="Cập nhật",
        description=f"Sửa đổi lần {seed}",
    )
    to_effective(engine, code)
    engine.dispose()


# Runs a command as a "child subreaper" (Linux): the render worker server, orphaned when
# the command exits, is reparented to this wrapper, which waits for it, so the CPU time
# printed is the whole tree's.
_TREE_TIMER = """
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], capture_output=True).returncode
wall = time.perf_counter() - started
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
own = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": own.ru_utime + own.ru_stime}))
"""


def timed_command(env: dict[str, str], output: Path) -> tuple[float, float]:
    """Wall time of ``qms pdf manual``, and the CPU time of all its processes, render
    worker included (what a shared machine's load does not inflate much)."""
    qms = str(Path(sys.executable).parent / "qms")
    command = [sys.executable, "-c", _TREE_TIMER, qms, "pdf", "manual", "-o", str(output)]
    result = json.loads(subprocess.run(command, env=env, check=True, capture_output=True).stdout)
    if result["code"]:
        raise SystemExit("qms pdf manual failed")
    return result["wall"], result["cpu"]


def measure_command(count: int, repeat: int, kept: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = kept or Path(tmp)
        if (folder / "manual.db").exists():
            env = {**os.environ, "QMS_DATABASE_URL": f"sqlite:///{folder / 'manual.db'}"}
        else:
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            env = command_register(folder, count)
            print(f"register of {count} documents built in {time.perf_counter() - started:.0f} s")
        output = folder / "manual.pdf"
        timed_command(env, output)  # the first compilation (every part stored)
        changed, unchanged = [], []
        for _ in range(repeat):
            change_one(env, f"QT-{count // 2:03d}", time.time_ns())
            changed.append(timed_command(env, output))
            unchanged.append(timed_command(env, output))
        from pypdf import PdfReader

        pages = len(PdfReader(output).pages)
    print(f"{count} documents, {pages} pages, {os.cpu_count()} CPUs, best of {repeat}")
    for label, runs in (("one document changed", changed), ("nothing changed", unchanged)):
        wall, cpu = min(wall for wall, _ in runs), min(cpu for _, cpu in runs)
        print(f"qms pdf manual, {label:<21}{wall:6.2f} s  (CPU of its processes {cpu:.2f} s)")
    print("target: one document changed <= 1.00 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--command", action="store_true", help="time `qms pdf manual`")
    parser.add_argument(
        "--keep", type=Path, help="with --command: build the register in this folder once"
    )
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="best time of N interleaved runs")
    parser.add_argument("--phase")
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.command:
        measure_command(args.documents, args.repeat, args.keep)
        return
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.documents, args.workers, args.folder)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure("prepare", args.documents, args.workers, folder)
        results: dict[str, dict[str, float]] = {}
        for _ in range(args.repeat):
            for phase in ("single", "cold", "rebuild"):
                run = measure(phase, args.documents, args.workers, folder)
                best = results.setdefault(phase, run)
                best["seconds"] = min(best["seconds"], run["seconds"])
                best["peak_tree_mb"] = max(best["peak_tree_mb"], run["peak_tree_mb"])
                best["max_process_kb"] = max(best["max_process_kb"], run["max_process_kb"])
    print(f"{args.documents} documents, {args.workers} workers, {os.cpu_count()} CPUs")
    for phase, r in results.items():
        print(
            f"{phase:8} {r['seconds']:7.2f} s  {int(r['pages']):4d} pages  "
            f"peak tree {r['peak_tree_mb']:6.0f} MB  "
            f"largest process {r['max_process_kb'] / 1024:6.0f} MB  "
            f"(start-up before timing {r['warm_up']:.2f} s)"
        )
    cold, single, rebuild = results["cold"], results["single"], results["rebuild"]
    print(f"rebuild / cold  = {rebuild['seconds'] / cold['seconds']:.3f}  (target <= 0.10)")
    print(f"cold / single   = {cold['seconds'] / single['seconds']:.3f}  (target <= 1.00)")
    peak = max(r["peak_tree_mb"] for r in (cold, rebuild))
    print(f"peak of manual builds = {peak:.0f} MB  (target <= 400)")


if __name__ == "__main__":
    main()
