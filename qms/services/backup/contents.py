"""What a database holds, in the few numbers and hashes a backup's manifest records: the
schema revision, every table's row count and a digest of its rows, the trail's length
and newest hash, and the hash of every stored file. A restore is kept only when the
restored database gives exactly the same."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import LargeBinary, MetaData, Table, func, select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from qms.errors import Text
from qms.models import Blob, TrailEvent
from qms.services.integrity import check as integrity


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str  # over the rows' digests in sorted order: independent of row order


@dataclass(frozen=True)
class Contents:
    schema_revision: str
    tables: dict[str, TableDigest]
    trail_length: int
    trail_head: str | None  # the newest event's hash; None for an empty trail
    blobs: tuple[str, ...]  # every stored file's SHA-256, sorted

    def rows(self, table: str) -> int:
        digest = self.tables.get(table)
        return digest.rows if digest else 0


def contents_of(session: Session) -> Contents:
    """What the database under ``session`` holds, read in the session's one transaction."""
    connection = session.connection()
    revision = MigrationContext.configure(connection).get_current_revision()
    metadata = MetaData()
    metadata.reflect(bind=connection)
    newest = session.execute(
        select(col(TrailEvent.seq), col(TrailEvent.hash))
        .order_by(col(TrailEvent.seq).desc())
        .limit(1)
    ).first()
    length = session.execute(select(func.count()).select_from(TrailEvent)).scalar_one()
    keys = session.execute(select(col(Blob.sha256)).order_by(col(Blob.sha256))).scalars()
    return Contents(
        schema_revision=revision or "",
        tables={
            name: _digest(connection, table) for name, table in sorted(metadata.tables.items())
        },
        trail_length=length,
        trail_head=newest[1] if newest else None,
        blobs=tuple(keys),
    )


def _digest(connection: Connection, table: Table) -> TableDigest:
    """Row count and digest of a table. Each row is hashed on its own and the hashes are
    sorted, so the digest does not depend on the order the database returns rows in (a
    restored PostgreSQL database may collate differently)."""
    binary = any(isinstance(column.type, LargeBinary) for column in table.columns)
    batch = 4 if binary else 500  # rows of stored files may be megabytes each
    hashes = [
        hashlib.sha256(_canonical(row)).digest()
        for row in connection.execute(select(table).execution_options(yield_per=batch))
    ]
    hashes.sort()
    total = hashlib.sha256()
    for digest in hashes:
        total.update(digest)
    return TableDigest(len(hashes), total.hexdigest())


def _canonical(row: Any) -> bytes:
    return json.dumps([_plain(value) for value in row], separators=(",", ":")).encode()


def _plain(value: Any) -> Any:
    """A column value as JSON, its type kept; aware times in UTC, so the session's time
    zone on either server does not matter."""
    if isinstance(value, bytes | memoryview):
        return ["bytes", hashlib.sha256(bytes(value)).hexdigest()]
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return ["datetime", value.isoformat()]
    if isinstance(value, date):
        return ["date", value.isoformat()]
    if isinstance(value, Decimal):
        return ["decimal", str(value)]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return [type(value).__name__, str(value)]


def problems_of(session: Session) -> list[Text]:
    """What ``qms verify`` would report (the trail's chain, every issue, signature and
    record against the trail, every stored file against its hash), first problems first."""
    return integrity.problems(session)


def first_difference(expected: Contents, found: Contents) -> Text | None:
    """How the restored database differs from what the manifest says, or None."""
    if found.schema_revision != expected.schema_revision:
        return Text(
            "schema revision {found}, the manifest says {expected}",
            found=found.schema_revision,
            expected=expected.schema_revision,
        )
    for name in sorted(expected.tables.keys() | found.tables.keys()):
        want, have = expected.tables.get(name), found.tables.get(name)
        if have is None:
            return Text("table {table} is missing", table=name)
        if want is None:
            return Text("table {table} is not in the manifest", table=name)
        if have.rows != want.rows:
            return Text(
                "table {table} has {found:,} rows, the manifest says {expected:,}",
                table=name,
                found=have.rows,
                expected=want.rows,
            )
    if (found.trail_length, found.trail_head) != (expected.trail_length, expected.trail_head):
        return Text(
            "the trail has {found:,} events ending in {head}…, the manifest says {expected:,}"
            " ending in {expected_head}…",
            found=found.trail_length,
            head=(found.trail_head or "-")[:12],
            expected=expected.trail_length,
            expected_head=(expected.trail_head or "-")[:12],
        )
    missing = sorted(set(expected.blobs) - set(found.blobs))
    if missing:
        return Text("stored file {key}… is missing", key=missing[0][:12])
    extra = sorted(set(found.blobs) - set(expected.blobs))
    if extra:
        return Text("stored file {key}… is not in the manifest", key=extra[0][:12])
    for name in sorted(expected.tables):
        if found.tables[name].sha256 != expected.tables[name].sha256:
            return Text("the rows of table {table} differ from the manifest's", table=name)
    return None
