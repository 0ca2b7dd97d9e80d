"""How far a zip (a ``.docx``, an ``.xlsx``) expands, counted before any parser opens it.

The declared sizes in the central directory are summed first (cheap); then every part is
decompressed once with a running count, so a part that expands beyond what it declared, or
all parts together beyond the cap, stops the count at once. Callers turn the two outcomes
into their own message.
"""

import zipfile
import zlib

_CHUNK = 64 * 1024


class TooLarge(Exception):
    """The parts expand beyond the cap, or a part beyond its declared size."""


class Damaged(Exception):
    """A part cannot be decompressed."""


def check_expansion(archive: zipfile.ZipFile, *, limit: int) -> None:
    """Raise TooLarge or Damaged; return once every part has been read within ``limit``."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if sum(info.file_size for info in infos) > limit:
        raise TooLarge
    total = 0
    for info in infos:
        try:
            with archive.open(info) as part:
                read = 0
                while chunk := part.read(_CHUNK):
                    read += len(chunk)
                    total += len(chunk)
                    if read > info.file_size or total > limit:
                        raise TooLarge
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
            raise Damaged from None
