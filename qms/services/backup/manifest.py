"""The manifest of a backup: which program and backend wrote it, when, the snapshot's
SHA-256 and size, and the contents it vouches for (:mod:`.contents`). Stored as
``manifest.json``, the archive's first member, readable by people and scripts."""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import make_url

from qms.errors import Text, ValidationError
from qms.services.backup.contents import Contents, TableDigest

FORMAT = "qms-backup"
FORMAT_VERSION = 1
NAME = "manifest.json"
SNAPSHOT_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def backend_of(url: str) -> str:
    """``sqlite`` or ``postgresql``: the kind of database ``url`` names."""
    backend = make_url(url).get_backend_name()
    if backend not in SNAPSHOT_NAMES:
        raise ValidationError(
            "QMS_DATABASE_URL must name an SQLite or a PostgreSQL database, not {backend}",
            backend=backend,
        )
    return backend


class ManifestError(Exception):
    """The manifest cannot be read; ``reason`` says why, in words for the reader."""

    def __init__(self, reason: Text) -> None:
        super().__init__(str(reason))
        self.reason = reason


class UnknownFormat(Exception):
    """The manifest is of another format version than this program reads."""

    def __init__(self, version: object) -> None:
        super().__init__(str(version))
        self.version = version


@dataclass(frozen=True)
class Manifest:
    qms_version: str
    backend: str  # "sqlite" or "postgresql"
    backend_version: str  # SQLite library or PostgreSQL server
    created_at: datetime
    snapshot_sha256: str
    snapshot_size: int
    contents: Contents

    @property
    def snapshot_name(self) -> str:
        return SNAPSHOT_NAMES[self.backend]

    def to_json(self) -> bytes:
        contents = self.contents
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "qms_version": self.qms_version,
            "backend": self.backend,
            "backend_version": self.backend_version,
            "schema_revision": contents.schema_revision,
            "created_at": self.created_at.isoformat(),
            "snapshot": {
                "name": self.snapshot_name,
                "sha256": self.snapshot_sha256,
                "size": self.snapshot_size,
            },
            "tables": {
                name: {"rows": table.rows, "sha256": table.sha256}
                for name, table in contents.tables.items()
            },
            "trail": {"length": contents.trail_length, "head": contents.trail_head},
            "blobs": list(contents.blobs),
        }
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def parse(raw: bytes) -> Manifest:
    """The manifest in ``raw``; :class:`ManifestError` naming the first field that is
    missing or wrong, :class:`UnknownFormat` for another format version."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ManifestError(Text("its manifest is not valid JSON")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ManifestError(Text("its manifest is not a qms backup manifest"))
    if data.get("format_version") != FORMAT_VERSION:
        raise UnknownFormat(data.get("format_version"))
    backend = _field(data, "backend", str)
    if backend not in SNAPSHOT_NAMES:
        raise _wrong("backend")
    snapshot = _field(data, "snapshot", dict)
    if snapshot.get("name") != SNAPSHOT_NAMES[backend]:
        raise _wrong("snapshot.name")
    trail = _field(data, "trail", dict)
    head = trail.get("head")
    if head is not None and not _is_sha256(head):
        raise _wrong("trail.head")
    keys = _field(data, "blobs", list)
    if not all(_is_sha256(key) for key in keys):
        raise _wrong("blobs")
    try:
        created_at = datetime.fromisoformat(_field(data, "created_at", str))
    except ValueError:
        raise _wrong("created_at") from None
    return Manifest(
        qms_version=_field(data, "qms_version", str),
        backend=backend,
        backend_version=_field(data, "backend_version", str),
        created_at=created_at,
        snapshot_sha256=_sha256_field(snapshot, "sha256", "snapshot.sha256"),
        snapshot_size=_count_field(snapshot, "size", "snapshot.size"),
        contents=Contents(
            schema_revision=_field(data, "schema_revision", str),
            tables=_tables(_field(data, "tables", dict)),
            trail_length=_count_field(trail, "length", "trail.length"),
            trail_head=head,
            blobs=tuple(keys),
        ),
    )


def _tables(tables: dict[str, Any]) -> dict[str, TableDigest]:
    out = {}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise _wrong(f"tables.{name}")
        out[name] = TableDigest(
            rows=_count_field(table, "rows", f"tables.{name}.rows"),
            sha256=_sha256_field(table, "sha256", f"tables.{name}.sha256"),
        )
    return out


def _wrong(field: str) -> ManifestError:
    return ManifestError(Text("its manifest has no valid {field}", field=field))


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        raise _wrong(name)
    return value


def _count_field(data: dict[str, Any], name: str, shown: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _wrong(shown)
    return value


def _sha256_field(data: dict[str, Any], name: str, shown: str) -> str:
    value = data.get(name)
    if not _is_sha256(value):
        raise _wrong(shown)
    assert isinstance(value, str)
    return value


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA256.match(value))
