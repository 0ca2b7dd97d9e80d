"""Where the shipped resources are: beside the package when installed from a wheel,
at the top of the source tree in a checkout."""

from pathlib import Path

import qms

_PACKAGE = Path(qms.__file__).resolve().parent


def _resource(name: str) -> Path:
    shipped = _PACKAGE / "_shipped" / name
    return shipped if shipped.is_dir() else _PACKAGE.parent / name


def templates_dir() -> Path:
    return _resource("templates")


def procedures_dir() -> Path:
    """The sample QMS (organisation.yaml and the procedure sources)."""
    return _resource("procedures")
