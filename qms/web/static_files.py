"""The stylesheet and scripts under ``/static``: read and gzip-compressed once at start,
each served under a URL that carries a hash of its content (``static_url``), so that a
browser keeps it for a year and a changed file reaches it under a new URL at once.

A request without the current version (an old page, a hand-typed URL) still gets the
file, with ``Cache-Control: no-cache``: the browser asks again and the ETag answers 304.
"""

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from starlette.types import Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
PREFIX = "/static/"
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
# Only text gains from compression; smaller files are not worth the header.
COMPRESSED_TYPES = ("text/", "application/javascript", "image/svg+xml")
MIN_COMPRESSED_SIZE = 512


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None  # None: served as it is
    media_type: str
    version: str  # the start of the content's SHA-256, in the URL and the ETag


def _asset(path: Path) -> Asset:
    body = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type == "application/javascript":
        media_type += "; charset=utf-8"
    gzipped = None
    if media_type.startswith(COMPRESSED_TYPES) and len(body) >= MIN_COMPRESSED_SIZE:
        # mtime=0: the same bytes on every start and every server.
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(body) else None
    version = hashlib.sha256(body).hexdigest()[:16]
    return Asset(body, gzipped, media_type, version)


def _accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (``gzip;q=0`` refuses it)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() != "gzip":
            continue
        quality = params.strip().removeprefix("q=").strip() if params else "1"
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


class StaticAssets:
    """An ASGI app for the files of one folder (top level only), held in memory."""

    def __init__(self, directory: Path) -> None:
        self.assets = {
            path.name: _asset(path) for path in sorted(directory.iterdir()) if path.is_file()
        }

    def url(self, name: str) -> str:
        """``/static/<name>?v=<content hash>``: the URL every template uses."""
        asset = self.assets.get(name)
        if asset is None:
            raise KeyError(f"no static file named {name!r}")
        return f"{PREFIX}{name}?v={asset.version}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        path: str = scope["path"]  # the full path, mounted or not
        name = path.rpartition("/")[2]
        asset = self.assets.get(name) if path.endswith(PREFIX + name) else None
        if asset is None:
            await _plain(send, 404, b"Not Found")
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, b"Method Not Allowed", [(b"allow", b"GET, HEAD")])
            return
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1")
            for key, value in scope["headers"]
        }
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        current = query.get("v") == [asset.version]
        compressed = asset.gzipped is not None and _accepts_gzip(headers.get("accept-encoding", ""))
        body = asset.gzipped if compressed and asset.gzipped is not None else asset.body
        etag = f'"{asset.version}{"-gzip" if compressed else ""}"'.encode()
        out = [
            (b"cache-control", IMMUTABLE if current else REVALIDATE),
            (b"etag", etag),
            (b"vary", b"Accept-Encoding"),
        ]
        if etag.decode() in headers.get("if-none-match", ""):
            await send({"type": "http.response.start", "status": 304, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return
        out += [
            (b"content-type", asset.media_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        if compressed:
            out.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


async def _plain(
    send: Send, status: int, text: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(text)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


ASSETS = StaticAssets(STATIC_DIR)
static_url = ASSETS.url
