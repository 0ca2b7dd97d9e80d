"""The backup file: a tar archive of two members, ``manifest.json`` first and then the
database snapshot. Written beside its final name and renamed into place, so a backup
interrupted half-way never looks like a whole one; read without ever extracting a member
to a path the archive names."""

import hashlib
import io
import lzma
import os
import stat
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

from qms.errors import Conflict, IntegrityProblem, Text, ValidationError
from qms.services.backup import manifest as manifests
from qms.services.backup.manifest import Manifest, ManifestError, UnknownFormat

CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # a million stored files' hashes, with room to spare
# What a damaged or foreign file makes the tar reader raise.
_UNREADABLE = (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(path: Path, *, manifest: Manifest, snapshot: Path, force: bool) -> None:
    """Write the archive to ``path`` (only readable by its owner: it holds password
    hashes); an existing file is replaced only with ``force``."""
    if not force and path.exists():
        raise already_exists(path)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise cannot_write(path, exc) from None
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                data = manifest.to_json()
                tar.addfile(_member(manifests.NAME, len(data), manifest), io.BytesIO(data))
                with snapshot.open("rb") as source:
                    member = _member(manifest.snapshot_name, manifest.snapshot_size, manifest)
                    tar.addfile(member, source)
            raw.flush()
            os.fsync(raw.fileno())
        _publish(temporary, path, force=force)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    finally:
        temporary.unlink(missing_ok=True)
    sync_folder(path.parent)


def _member(name: str, size: int, manifest: Manifest) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.size = size
    member.mode = 0o600
    member.mtime = int(manifest.created_at.timestamp())
    return member


def _publish(temporary: Path, path: Path, *, force: bool) -> None:
    """Rename into place; without ``force`` never over a file that appeared meanwhile (a
    hard link fails if the name is taken; where links are not supported, check first)."""
    if force:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise already_exists(path) from None
    except OSError:
        if path.exists():
            raise already_exists(path) from None
        os.replace(temporary, path)


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def already_exists(path: Path) -> Conflict:
    """The refusal to write over an existing file without --force."""
    return Conflict(
        "{path} already exists: give another name, or --force to replace it", path=str(path)
    )


def cannot_write(path: Path, exc: OSError) -> ValidationError:
    """A file that cannot be written (no such folder, no permission, disk full)."""
    return ValidationError(
        "cannot write {path} ({reason})", path=str(path), reason=exc.strerror or str(exc)
    )


class Backup:
    """An open backup file whose manifest has been read and checked for form."""

    def __init__(self, path: Path, tar: tarfile.TarFile) -> None:
        self.path = path
        self.tar = tar
        members = self._members()
        manifest_member = members.get(manifests.NAME)
        if manifest_member is None:
            raise self._unreadable(Text("it holds no manifest.json"))
        if manifest_member.size > MAX_MANIFEST_BYTES:
            raise self._unreadable(
                Text("its manifest is larger than {limit:,} bytes", limit=MAX_MANIFEST_BYTES)
            )
        try:
            self.manifest = manifests.parse(self._read(manifest_member).read())
        except ManifestError as exc:
            raise self._unreadable(exc.reason) from None
        except UnknownFormat as exc:
            raise ValidationError(
                "{path} is a backup of format version {version}; this qms reads version"
                " {known} only",
                path=str(path),
                version=str(exc.version),
                known=manifests.FORMAT_VERSION,
            ) from None
        except _UNREADABLE:
            raise self._unreadable(Text("it is not a tar archive, or it is cut short")) from None
        for name in members:
            if name not in {manifests.NAME, self.manifest.snapshot_name}:
                raise self._unreadable(Text("it holds {name}, which a backup does not", name=name))
        snapshot = members.get(self.manifest.snapshot_name)
        if snapshot is None:
            raise self._unreadable(Text("it holds no database snapshot"))
        self.snapshot = snapshot

    def _members(self) -> dict[str, tarfile.TarInfo]:
        try:
            listed = self.tar.getmembers()
        except _UNREADABLE:
            raise self._unreadable(Text("it is not a tar archive, or it is cut short")) from None
        members: dict[str, tarfile.TarInfo] = {}
        for member in listed:
            if not member.isreg() or member.name in members:
                raise self._unreadable(
                    Text("it holds {name}, which a backup does not", name=member.name)
                )
            members[member.name] = member
        return members

    def _read(self, member: tarfile.TarInfo) -> IO[bytes]:
        source = self.tar.extractfile(member)
        assert source is not None  # a regular file
        return source

    def extract_snapshot(self, into: BinaryIO, *, target: Path) -> None:
        """Copy the snapshot into ``into`` (a file for ``target``), refusing it unless its
        size and SHA-256 are the manifest's."""
        digest = hashlib.sha256()
        size = 0
        source = self._read(self.snapshot)
        while True:
            try:
                chunk = source.read(CHUNK)
            except _UNREADABLE:
                raise self._damaged(Text("it is cut short")) from None
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            try:
                into.write(chunk)
            except OSError as exc:  # a full disk, say
                raise cannot_write(target, exc) from None
        try:
            into.flush()
            os.fsync(into.fileno())
        except OSError as exc:
            raise cannot_write(target, exc) from None
        if size != self.manifest.snapshot_size:
            raise self._damaged(
                Text(
                    "its database snapshot has {size:,} bytes, the manifest says {expected:,}",
                    size=size,
                    expected=self.manifest.snapshot_size,
                )
            )
        if digest.hexdigest() != self.manifest.snapshot_sha256:
            raise self._damaged(
                Text("its database snapshot does not match the SHA-256 in its manifest")
            )

    def _unreadable(self, reason: Text) -> IntegrityProblem:
        return IntegrityProblem(
            "{path} is not a readable qms backup: {reason}", path=str(self.path), reason=reason
        )

    def _damaged(self, reason: Text) -> IntegrityProblem:
        return IntegrityProblem(
            "{path} is damaged: {reason}; nothing was restored", path=str(self.path), reason=reason
        )


@contextmanager
def opened(path: Path) -> Iterator[Backup]:
    """The backup at ``path`` (a regular file: a FIFO or a device is refused before it is
    opened for reading), plain or compressed with gzip, bzip2 or xz."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ValidationError(
            "cannot read {path} ({reason})", path=str(path), reason=exc.strerror or str(exc)
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError("{path} is not a regular file", path=str(path))
    with _tar(path) as tar:
        yield Backup(path, tar)


def _tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:*")
    except _UNREADABLE:
        raise IntegrityProblem(
            "{path} is not a readable qms backup: {reason}",
            path=str(path),
            reason=Text("it is not a tar archive, or it is cut short"),
        ) from None
