"""Benchmark of importing Word procedures: a folder of --files .docx files in the usual
Vietnamese layout (header table, signature table, body with headings, lists and tables,
history table), each about --pages pages, made with python-docx. Times:

  read     reading and checking the folder as the dry run does (package checks, mammoth,
           the Markdown body and its check against the PDF caps), per Word page
  import   the real import into a fresh SQLite database, one transaction, including the
           controlled PDF each issue gets as it takes effect, per Word page

and the process's peak resident memory after each. Not run by the test suite.

    python bench/word_bench.py [--files 200] [--pages 3] [--no-import]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.db import make_engine, upgrade, write_session  # noqa: E402
from qms.services.documents import importer  # noqa: E402
from qms.services.people import users  # noqa: E402
from tests.seed import seed_people  # noqa: E402
from tests.word_samples import Procedure, write_procedure  # noqa: E402

STEP = (
    "Công chức Bộ phận Một cửa kiểm tra thành phần hồ sơ, đối chiếu giấy tờ xuất trình, "
    "cập nhật vào Hệ thống thông tin giải quyết thủ tục hành chính và số hóa hồ sơ"
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--no-import", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "word"
        source.mkdir()
        steps = [f"{STEP} (bước {n})." for n in range(1, 12 * args.pages)]
        for n in range(1, args.files + 1):
            write_procedure(
                source, Procedure(code=f"QT-{n:03d}", title=f"QUY TRÌNH {n}", steps=steps)
            )
        url = f"sqlite:///{folder}/bench.db"
        engine = make_engine(url)
        upgrade(engine)
        seed_people(engine)
        start = time.perf_counter()
        with write_session(engine) as session:
            plans = importer.plan_files(
                session,
                actor=users.get_active_user(session, "thu"),
                paths=[source],
                overrides={"department": "VP"},
            )
        read = time.perf_counter() - start
        pages = sum(p.source.pages or 1 for p in plans)
        print(f"{len(plans)} files, {pages} pages (estimated)")
        print(
            f"read     {read:7.2f} s  {1000 * read / pages:7.1f} ms/page  peak {peak_mb():.0f} MB"
        )
        if args.no_import:
            return
        start = time.perf_counter()
        with write_session(engine) as session:
            importer.import_files(
                session,
                actor=users.get_active_user(session, "thu"),
                paths=[source],
                overrides={"department": "VP"},
            )
        spent = time.perf_counter() - start
        print(
            f"import   {spent:7.2f} s  {1000 * spent / pages:7.1f} ms/page  peak {peak_mb():.0f} MB"
        )


if __name__ == "__main__":
    main()
