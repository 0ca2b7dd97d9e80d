"""The only way WeasyPrint may read anything while rendering a controlled PDF.

WeasyPrint's default fetcher reads local files (images, ``@import``, fonts,
``<link rel=attachment>``) and the network. This one serves exactly three
kinds of URL and refuses everything else:

- ``qms-asset:<name>``: a file directly inside our PDF asset folder (no
  sub-folders, no symlinks);
- ``blob:<sha256>``: an image of the document, from the rendition's mapping;
- ``qms-gen:<name>``: data generated for this render (the watermark).

A refused URL raises an ordinary exception, so WeasyPrint logs it and drops
that content. A missing asset, blob or generated item that *we* asked for is
fatal instead: the render stops and no half-styled copy is produced.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qms.errors import Text
from qms.render.libraries import import_weasyprint
from qms.render.markdown import BLOB_RE

import_weasyprint()
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

ASSET_SCHEME = "qms-asset:"
GENERATED_SCHEME = "qms-gen:"
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


class RefusedURL(ValueError):
    """A URL outside what the fetcher serves; WeasyPrint drops that content."""


class MissingResource(FatalURLFetchingError):
    """One of our own resources is missing; the render must stop."""

    def __init__(self, what: Text) -> None:
        super().__init__(str(what))
        self.what = what


class SafeFetcher(URLFetcher):
    """URL fetcher serving only our assets, the document's images and generated data."""

    def __init__(
        self,
        *,
        assets_dir: Path,
        images: Mapping[str, bytes] | None = None,
        generated: Mapping[str, tuple[bytes, str]] | None = None,
    ) -> None:
        # No protocol is allowed for the base class, should anything reach it.
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False)
        self._assets_dir = assets_dir
        self._images = dict(images or {})
        self._generated = dict(generated or {})
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(ASSET_SCHEME):
            return self._asset(url, url.removeprefix(ASSET_SCHEME))
        if match := BLOB_RE.fullmatch(url):
            data = self._images.get(match[1])
            if data is None:
                raise MissingResource(
                    Text("image {url} is not among the document's images", url=url)
                )
            return URLFetcherResponse(url, data, {"Content-Type": _sniff(data)})
        if url.startswith(GENERATED_SCHEME):
            name = url.removeprefix(GENERATED_SCHEME)
            if name not in self._generated:
                raise MissingResource(
                    Text("generated resource {name!r} was not prepared", name=name)
                )
            data, mime = self._generated[name]
            return URLFetcherResponse(url, data, {"Content-Type": mime})
        self.refused.append(url)
        raise RefusedURL(f"refused to fetch {url[:200]!r}: only the application's own assets")

    def _asset(self, url: str, name: str) -> URLFetcherResponse:
        if not _NAME_RE.fullmatch(name):
            self.refused.append(url)
            raise RefusedURL(f"refused asset name {name[:200]!r}")
        path = self._assets_dir / name
        if path.is_symlink():
            self.refused.append(url)
            raise RefusedURL(f"refused asset {name!r}: it is a symbolic link")
        if not path.is_file():
            raise MissingResource(
                Text(
                    "asset {name!r} is missing from {folder}/",
                    name=name,
                    folder=self._assets_dir.name,
                )
            )
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


def _sniff(data: bytes) -> str:
    for magic, mime in _IMAGE_TYPES.items():
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip()
    if head.startswith((b"<svg", b"<?xml")):
        return "image/svg+xml"
    return "application/octet-stream"
