"""What the pages answer with besides a page: downloads under safe file names, redirects
that carry a message, and the addresses of audit and corrective-action pages."""

import re
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from qms.services.paging import Paged
from qms.web.i18n import translator
from qms.web.pages import flash

_UNSAFE_FILENAME = re.compile(r"[^\w.\-]+")
# How the JSON API's schema declares a route that answers with a PDF.
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


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


def page_headers(request: Request, response: Response, found: Paged) -> None:
    """Say on a JSON list how many rows match (``X-Total-Count``) and where its next and
    last pages are (``Link``, as RFC 8288 writes it), so a client can walk every page."""
    response.headers["X-Total-Count"] = str(found.total)
    links = []
    if found.page < found.pages:
        links.append((found.page + 1, "next"))
    links.append((found.pages, "last"))
    response.headers["Link"] = ", ".join(
        f'<{request.url.include_query_params(page=page, per_page=found.per_page)}>; rel="{rel}"'
        for page, rel in links
    )


def done(request: Request, target: str, message: str) -> Response:
    """Flash ``message`` (translated) and go to ``target``."""
    flash(request, translator(request)(message))
    return RedirectResponse(target, status_code=303)


def audit_url(ref: str) -> str:
    return f"/audits/{quote(ref, safe='')}"


def capa_url(ref: str) -> str:
    return f"/capa/{quote(ref, safe='')}"
