"""Rendering a page: the language's environment plus what every page shows."""

import secrets
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from qms.render import RenderError
from qms.web.i18n import request_language, translated

CSRF_SESSION_KEY = "csrf"


def csrf_token(request: Request) -> str:
    """The session's anti-forgery token, created on first use."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return str(token)


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A message for the next page (after a redirect)."""
    request.session.setdefault("flash", []).append([kind, message])


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    language = request_language(request)
    env = request.app.state.jinja[language]
    roles: set[str] = getattr(request.state, "roles", set())
    values = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "roles": {str(r) for r in roles},
        "unread": getattr(request.state, "unread", 0),
        "csrf_token": csrf_token(request),
        "messages": request.session.pop("flash", []),
        "path": request.url.path,
        **(context or {}),
    }
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status)


def body_html(request: Request, html: Callable[[], str]) -> Markup:
    """A document body's sanitised HTML for a page, or, for a body the renderer refuses
    (one saved before the caps were checked), why: the page still opens, to fix it."""
    try:
        return Markup(html())  # noqa: S704 - sanitised by the Markdown converter
    except RenderError as exc:
        return Markup(f'<p class="error">{escape(translated(request, exc))}</p>')  # noqa: S704
