"""How much one request may send, checked while the body arrives and before any parsing:
forms and JSON are small; the routes that carry audit evidence take more (the services
still bound each attachment and their number per checklist item).

A request over its limit gets the readable 413 page or JSON error of every other refusal,
in the user's language, and reaches no service.
"""

import re

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_REQUEST_BYTES = 2 * 1024 * 1024
MAX_EVIDENCE_REQUEST_BYTES = 32 * 1024 * 1024
# Audit evidence, Word files brought in (carried over from the preview, base64), the
# evidence of an objective's result and one-stop-desk files.
EVIDENCE_ROUTES = re.compile(
    r"^(?:(/api)?/audits/[^/]+/items/\d+|/import-documents|/objectives/[^/]+/results|/data/import)$"
)


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413)
        self.limit = limit


def limit_for(path: str) -> int:
    return MAX_EVIDENCE_REQUEST_BYTES if EVIDENCE_ROUTES.match(path) else MAX_REQUEST_BYTES


class BodyLimit:
    """Refuses a body over its route's limit: at once when Content-Length declares too
    much, else as soon as the bytes received pass it (chunked uploads)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        too_large = declared.isdigit() and int(declared) > limit
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if too_large:
                raise RequestTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)
