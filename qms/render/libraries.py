"""Import WeasyPrint with one look at the dynamic linker's cache instead of dozens.

WeasyPrint opens GObject, Pango, HarfBuzz and fontconfig by trying several names for
each (the Linux, macOS and Windows spellings). For every name that does not open at
once, cffi asks ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and,
when that finds nothing, ``gcc`` and ``ld`` too: 22 lookups and 54 processes, about a
third of a second of a render worker's start, and so of every one-shot command that
renders. While WeasyPrint loads, the lookup here reads the cache once and answers
from it.

It answers only what ``ldconfig -p`` knows. The compiler and linker searches it skips
find libraries the dynamic linker could not open by that name anyway unless they sit
in its default folders or on ``LD_LIBRARY_PATH``, and there WeasyPrint's own list
names each library by its Linux soname, which opens directly without any lookup.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
from functools import partial

# The ABI tag ldconfig prints for this machine's libraries (as ctypes.util reads it).
_ABI_TAGS = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
    "aarch64-64": "libc6,AArch64",
}
# One import at a time: two threads swapping the lookup in turn could leave it swapped.
_importing = threading.Lock()


def import_weasyprint() -> None:
    """Import WeasyPrint if this process has not yet, with the one-look library search.

    Call it before the first ``import weasyprint...`` of a process; afterwards it costs
    a dictionary lookup."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return
    with _importing:
        if "weasyprint" in sys.modules:
            return
        listing = _linker_cache()
        if listing is None:
            return  # no ldconfig: the caller's import searches as usual
        searched = ctypes.util.find_library
        ctypes.util.find_library = partial(_find_in, listing)
        try:
            import weasyprint  # noqa: F401
        finally:
            ctypes.util.find_library = searched


def _linker_cache() -> str | None:
    """What ``ldconfig -p`` lists, or None where it cannot be run."""
    ldconfig = shutil.which("ldconfig") or shutil.which("ldconfig", path="/sbin:/usr/sbin")
    if ldconfig is None:
        return None
    try:
        done = subprocess.run(
            [ldconfig, "-p"],
            capture_output=True,
            text=True,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def _find_in(listing: str, name: str) -> str | None:
    """``ctypes.util.find_library(name)`` answered from ``listing`` alone."""
    machine = f"{os.uname().machine}-{8 * struct.calcsize('l')}"
    tag = _ABI_TAGS.get(machine, "libc6")
    found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(tag)}", listing)
    return found.group(1) if found else None
