"""Benchmark of the integrity check and of what it adds to a download.

Generates a register whose every issue has its signatures and a full trail (draft, three
signatures, status changes, publication, rendering; bulk inserts, the chain computed
here), then measures:

  verify     the whole check (`qms verify`), beside the chain check alone
  download   the session check and the stored copy of an effective issue in one query
             (`downloads.effective_copy_for`) per call: first call in a process (the trail asked once), later calls, and the
             same query and bytes without the trail's confirmation

on SQLite (and on PostgreSQL with --pg-url). Not run by the tests.

    python bench/integrity_bench.py [--documents 2000] [--issues 3] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlmodel import col

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.db import make_engine, read_connection, read_session, upgrade, write_session  # noqa: E402
from qms.models import Document, Revision, Signature, TrailEvent, User  # noqa: E402
from qms.services import blobs  # noqa: E402
from qms.services.documents import downloads  # noqa: E402
from qms.services.documents.signatures import content_hash  # noqa: E402
from qms.services.integrity import check, copies  # noqa: E402
from qms.services.people import logins, sessions  # noqa: E402
from qms.services.trail import chain  # noqa: E402
from tests.helpers import effective_document  # noqa: E402
from tests.seed import PASSWORD, seed_people  # noqa: E402

SIGNERS = (("drafted", "thu"), ("reviewed", "hung"), ("approved", "hai"))
ROUNDS = 5
LIFETIMES = sessions.Lifetimes.of(idle_minutes=30, max_hours=8)


class Chain:
    """Trail events with their hashes, linked as ``chain.record`` would link them."""

    def __init__(self, last_seq: int, last_hash: str) -> None:
        self.seq, self.prev = last_seq, last_hash
        self.rows: list[dict[str, Any]] = []

    def add(self, actor: str, action: str, entity_id: str, payload: dict[str, Any]) -> None:
        self.seq += 1
        event = TrailEvent(
            seq=self.seq,
            at=datetime(2026, 1, 1, tzinfo=UTC),
            actor=actor,
            action=action,
            entity="revision",
            entity_id=entity_id,
            payload=chain.canonical(payload),
            prev_hash=self.prev,
            hash="",
        )
        event.hash = chain.event_hash(event)
        self.prev = event.hash
        self.rows.append({c: getattr(event, c) for c in TrailEvent.model_fields})


def generate(url: str, documents: int, issues: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    effective_document(engine, "QT-00000")  # one real controlled copy, shared by all
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        pdf = connection.execute(select(Revision.pdf_sha256)).scalar_one()
        dept = connection.execute(text("SELECT id FROM department WHERE code = 'VP'")).scalar()
        people = dict(connection.execute(select(User.username, User.id)).all())
        last = connection.execute(
            select(TrailEvent.seq, TrailEvent.hash).order_by(col(TrailEvent.seq).desc()).limit(1)
        ).one()
        trail = Chain(last.seq, last.hash)
        for n in range(1, documents):
            code = f"QT-{n:05d}"
            doc_id = connection.execute(
                insert(Document).returning(Document.id),
                {
                    "code": code,
                    "title": f"Quy trình số {n}",
                    "doc_type": "procedure",
                    "department_id": dept,
                    "language": "vi",
                    "review_interval_months": 12,
                    "search_text": code.lower(),
                    "title_sort_key": code.lower(),
                    "issuer": "",
                    "external_ref": "",
                    "external_version": "",
                    "created_at": now,
                },
            ).scalar_one()
            for issue in range(1, issues + 1):
                status = "effective" if issue == issues else "superseded"
                body = f"# 1. Mục đích\n\nQuy trình {code}, lần ban hành {issue}.\n" * 20
                digest = content_hash(code=code, issue=issue, body=body, reason="", description="")
                rev_id = connection.execute(
                    insert(Revision).returning(Revision.id),
                    {
                        "document_id": doc_id,
                        "issue": issue,
                        "status": status,
                        "body": body,
                        "reason": "",
                        "description": "",
                        "content_hash": digest,
                        "effective_at": now,
                        "drafted_by_id": people["thu"],
                        "origin": "system",
                        "pdf_sha256": pdf,
                        "created_at": now,
                        "updated_at": now,
                    },
                ).scalar_one()
                connection.execute(
                    insert(Signature),
                    [
                        {
                            "revision_id": rev_id,
                            "user_id": people[user],
                            "meaning": meaning,
                            "printed_name": user,
                            "position": "",
                            "signed_at": now,
                            "content_hash": digest,
                        }
                        for meaning, user in SIGNERS
                    ],
                )
                key = f"{code}/{issue}"
                trail.add(
                    "thu",
                    "revision.draft",
                    key,
                    {"new": {"status": "draft", "content_hash": digest}},
                )
                for meaning, user in SIGNERS:
                    trail.add(
                        user,
                        f"signature.{meaning}",
                        key,
                        {"new": {"meaning": meaning, "content_hash": digest}},
                    )
                trail.add(
                    "thu",
                    "revision.publish",
                    key,
                    {
                        "old": {"status": "approved"},
                        "new": {"status": "effective", "content_hash": digest},
                    },
                )
                trail.add("thu", "revision.render", key, {"new": {"pdf_sha256": pdf, "size": 1}})
                if status == "superseded":
                    trail.add(
                        "thu",
                        "revision.supersede",
                        key,
                        {"old": {"status": "effective"}, "new": {"status": "superseded"}},
                    )
            if len(trail.rows) >= 5000:
                connection.execute(insert(TrailEvent), trail.rows)
                trail.rows = []
        if trail.rows:
            connection.execute(insert(TrailEvent), trail.rows)
    engine.dispose()


def _timed(action: Any) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(url: str, calls: int) -> None:
    engine = make_engine(url)
    with read_session(engine) as session:
        chain_s = _timed(lambda: chain.verify(session))
    with read_session(engine) as session:
        report: list[Any] = []
        verify_s = _timed(lambda: report.append(check.run(session, viewer=None)))
    (result,) = report
    print(
        f"  verify: {verify_s:.2f} s for {result.trail_events:,} events, {result.issues:,} "
        f"issues, {result.files} files ({len(result.mismatches)} mismatches); "
        f"chain alone {chain_s:.2f} s"
    )
    codes = [f"QT-{n:05d}" for n in range(1, min(calls, 1000))]

    with write_session(engine) as session:
        token = logins.sign_in(
            session, username="lan", password=PASSWORD, client="bench", lifetimes=LIFETIMES
        ).token

    def fetch(code: str) -> object:
        return downloads.effective_copy_for(reader, token=token, code=code, lifetimes=LIFETIMES)

    def per_call() -> float:
        return _timed(lambda: [fetch(c) for c in codes]) / len(codes)

    first, later, bare = [], [], []
    with read_connection(engine) as reader:
        fetch("QT-00000")  # the bytes cached, as in a warm worker
        for _ in range(ROUNDS):
            copies._confirmed.clear()
            first.append(per_call())
            later.append(per_call())
            patched: Any = downloads  # the download as it was before the confirmation
            patched.confirm_controlled_copy = lambda *args, **kwargs: None
            try:
                bare.append(per_call())
            finally:
                patched.confirm_controlled_copy = copies.confirm_controlled_copy
    print(
        f"  download (effective_copy_for, {len(codes)} issues, best of {ROUNDS}): first "
        f"{min(first) * 1e6:.0f} µs, later {min(later) * 1e6:.0f} µs, without the "
        f"confirmation {min(bare) * 1e6:.0f} µs"
    )
    blobs.forget_cached()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--issues", type=int, default=3)
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use as well")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qms-integrity-bench-"))
    try:
        targets = [("SQLite", f"sqlite:///{folder / 'bench.db'}")]
        if args.pg_url:
            targets.append(("PostgreSQL", args.pg_url))
        for name, url in targets:
            print(f"{name}:", flush=True)
            generate(url, args.documents, args.issues)
            measure(url, args.documents)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
