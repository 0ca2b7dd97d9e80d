"""What the pages share: downloads, form lists and redirects."""

import re
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from qms.errors import ValidationError
from qms.web.i18n import translator
from qms.web.pages import flash

_UNSAFE_FILENAME = re.compile(r"[^\w.\-]+")


def download(data: bytes, name: str, media_type: str = "application/pdf") -> Response:
    """Bytes as a download under a safe file name (ASCII and UTF-8 forms)."""
    safe = _UNSAFE_FILENAME.sub("_", name) or "file"
    ascii_name = safe.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe)}"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )


def split_list(value: str) -> list[str]:
    """``"TP, MC"`` -> ``["TP", "MC"]``: the comma lists of the CLI, typed in a form."""
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


def done(request: Request, target: str, message: str) -> Response:
    """Flash ``message`` (translated) and go to ``target``."""
    flash(request, translator(request)(message))
    return RedirectResponse(target, status_code=303)


def year_or_none(value: str) -> int | None:
    """A year from a filter form: empty means any year."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ValidationError("{value!r} is not a year (2000-2100)", value=value)
    return int(value)


def audit_url(ref: str) -> str:
    return f"/audits/{quote(ref, safe='')}"


def capa_url(ref: str) -> str:
    return f"/capa/{quote(ref, safe='')}"
