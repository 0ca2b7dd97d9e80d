"""Reading a file someone named, safely: only a regular file, and never more than its cap.

A FIFO would wait for a writer for ever and a device such as /dev/zero never ends, so
neither is opened for reading; the file is opened non-blocking and checked again, so one
swapped in after the first check cannot hang the reader; at most ``limit + 1`` bytes are
read, so an oversized file is refused without being read whole. Callers (the command line,
the importer) turn the two refusals into their own one-line message."""

import os
import stat
from pathlib import Path


class NotRegularFile(Exception):
    """The path is a FIFO, a device, a folder or a socket."""


class FileTooLarge(Exception):
    """The file holds more than the caller's limit."""


def check_regular(path: Path, limit: int) -> None:
    """Refuse ``path`` unless it is a regular file of at most ``limit`` bytes (OSError when
    it cannot be looked at)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(str(path))
    if info.st_size > limit:
        raise FileTooLarge(str(path))


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`check_regular`)."""
    check_regular(path, limit)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotRegularFile(str(path))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(str(path))
    return data
