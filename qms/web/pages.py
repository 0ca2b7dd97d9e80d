"""Rendering a page: the language's environment plus what every page shows, the bell's
count among it. The count is asked only here, when a page is rendered: API answers,
downloads and static files never ask it."""

import secrets
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from qms.db import read_session
from qms.render import RenderError
from qms.services.notices import reading
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
        "unread": _unread(request),
        "csrf_token": csrf_token(request),
        "messages": request.session.pop("flash", []),
        "path": request.url.path,
        **(context or {}),
    }
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status)


def _unread(request: Request) -> int:
    """The signed-in user's unread notices for the bell: counted in the request's own
    session, or, for a page rendered after it closed (an error page), in a short one."""
    viewer = getattr(request.state, "user", None)
    if viewer is None:
        return 0
    session = getattr(request.state, "db", None)
    if session is not None:
        return reading.unread_count(session, user_id=viewer.id)
    with read_session(request.app.state.engine) as own:
        return reading.unread_count(own, user_id=viewer.id)


def body_html(request: Request, html: Callable[[], str]) -> Markup:
    """A document body's sanitised HTML for a page, or, for a body the renderer refuses
    (one saved before the caps were checked), why: the page still opens, to fix it."""
    try:
        return Markup(html())  # noqa: S704 - sanitised by the Markdown converter
    except RenderError as exc:
        return Markup(f'<p class="error">{escape(translated(request, exc))}</p>')  # noqa: S704
