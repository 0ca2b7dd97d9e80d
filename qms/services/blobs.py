"""Content-addressed bytes in the database: one backup holds everything, and every app
process serves the same bytes."""

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import NotFound
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


def get(session: Session, key: str) -> Blob:
    blob = session.get(Blob, key)
    if blob is None:
        raise NotFound(f"no stored file with hash {key}")
    return blob


@dataclass(frozen=True)
class BlobProblem:
    sha256: str
    message: str


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
            problems.append(BlobProblem(key, f"stored file {key[:12]}… no longer matches its hash"))
        session.expunge(blob)  # keep memory flat over large stores
    return count, problems
