"""Content-addressed bytes in the database: one backup holds everything, and every app
process serves the same bytes."""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete as sa_delete
from sqlalchemy import exists, or_
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel, col, select

from qms.clock import utcnow
from qms.errors import IntegrityProblem, NotFound, Text
from qms.models import Blob


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(session: Session, *, data: bytes, media_type: str) -> Blob:
    """Store ``data`` under its SHA-256 (once; storing the same bytes again is a no-op)."""
    key = sha256(data)
    blob = session.get(Blob, key)
    if blob is None:
        blob = Blob(
            sha256=key, media_type=media_type, size=len(data), data=data, created_at=utcnow()
        )
        session.add(blob)
        session.flush()
    return blob


PDF = "application/pdf"


@dataclass(frozen=True)
class Dropped:
    files: int
    size: int  # bytes


def drop_unused_pdfs(session: Session) -> Dropped:
    """Delete the stored PDFs that no row refers to any more (through any foreign key to
    ``blob``), as a manual's earlier compilations leave them, and say how many and how
    large. Nothing else is ever left so: a record, a controlled copy or an evidence file
    is stored with the row that keeps it, and a body's pictures (referred to from its text)
    are images, never touched here. Does not commit."""
    blob = SQLModel.metadata.tables["blob"]
    still_used = or_(
        *(
            exists().where(key.parent == key.column)
            for table in SQLModel.metadata.tables.values()
            for key in table.foreign_keys
            if key.column.table is blob
        )
    )
    sizes = session.execute(
        sa_delete(blob).where(blob.c.media_type == PDF, ~still_used).returning(blob.c.size)
    ).scalars()
    dropped = [int(size) for size in sizes]
    return Dropped(len(dropped), sum(dropped))


def get(session: Session, key: str) -> Blob:
    """The stored row as it is (its bytes unchecked): for inspecting storage. Anything
    that serves the bytes to someone reads them with :func:`data_of`."""
    blob = session.get(Blob, key)
    if blob is None:
        raise NotFound("no stored file with hash {key}", key=key)
    return blob


class _ByteCache:
    """Recently served blobs, by hash, up to ``limit`` bytes in all (least recent out).

    A blob's key is the hash of its bytes and stored blobs never change, so a cached copy
    cannot go stale; bytes enter the cache only when they match their key.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            data = self.entries.get(key)
            if data is not None:
                self.entries.move_to_end(key)
            return data

    def add(self, key: str, data: bytes, *, checked: bool = False) -> None:
        """Keep ``data`` (when it matches ``key``; ``checked``: the caller compared)."""
        if len(data) > self.limit // 8 or (not checked and sha256(data) != key):
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = data
            self.size += len(data)
            while self.size > self.limit:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped)


_served = _ByteCache(64 * 1024 * 1024)
_BATCH = 500  # blobs per query (well under every database's limit of parameters)


def data_of(reader: Session | Connection, key: str) -> bytes:
    """The bytes of a stored blob, checked against their hash; from this process's cache
    when recently served (the hot path of PDF downloads: no round trip for the bytes).

    Stored bytes that no longer match their hash are refused rather than served: a
    controlled copy altered in the database must not reach anyone.
    """
    data = _served.get(key)
    if data is None:
        stored = reader.execute(sa_select(col(Blob.data)).where(col(Blob.sha256) == key)).first()
        if stored is None:
            raise NotFound("no stored file with hash {key}", key=key)
        data = bytes(stored[0])
        if sha256(data) != key:
            raise IntegrityProblem(
                "the stored file {key}… does not match its hash; run qms pdf verify",
                key=key[:12],
            )
        _served.add(key, data, checked=True)
    return data


def data_of_many(reader: Session | Connection, keys: Sequence[str]) -> dict[str, bytes]:
    """:func:`data_of` for each of ``keys``, with one query for a few hundred blobs (a
    manual's parts) rather than one each; the same checks, the same refusals."""
    found = {key: data for key in dict.fromkeys(keys) if (data := _served.get(key)) is not None}
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    for start in range(0, len(missing), _BATCH):
        rows = reader.execute(
            sa_select(col(Blob.sha256), col(Blob.data)).where(
                col(Blob.sha256).in_(missing[start : start + _BATCH])
            )
        ).all()
        for key, stored in rows:
            data = bytes(stored)
            if sha256(data) != key:
                raise IntegrityProblem(
                    "the stored file {key}… does not match its hash; run qms pdf verify",
                    key=key[:12],
                )
            _served.add(key, data, checked=True)
            found[key] = data
    for key in missing:
        if key not in found:
            raise NotFound("no stored file with hash {key}", key=key)
    return found


def forget_cached() -> None:
    """Empty this process's cache of served blobs (the next reads go to the database)."""
    with _served.lock:
        _served.entries.clear()
        _served.size = 0


@dataclass(frozen=True)
class BlobProblem:
    sha256: str
    text: Text
    actual: str = ""  # the hash of the bytes stored under ``sha256`` now


def verify(session: Session) -> tuple[int, list[BlobProblem]]:
    """Recompute the hash of every stored blob (foreign keys already guarantee that every
    recorded PDF hash names a stored blob)."""
    problems: list[BlobProblem] = []
    count = 0
    keys = session.exec(select(Blob.sha256).order_by(col(Blob.sha256))).all()
    for key in keys:
        blob = session.get(Blob, key)
        assert blob is not None
        count += 1
        actual = sha256(blob.data)
        if actual != blob.sha256 or len(blob.data) != blob.size:
            problems.append(
                BlobProblem(
                    key, Text("stored file {key}… no longer matches its hash", key=key[:12]), actual
                )
            )
        session.expunge(blob)  # keep memory flat over large stores
    return count, problems
