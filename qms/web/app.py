"""The application factory: ``create_app(settings)`` builds an app for one database.

Run it with ``qms serve`` or ``uvicorn 'qms.web.app:create_app' --factory``.
"""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qms import __version__
from qms.db import make_engine, upgrade, write_session
from qms.services.people import logins, organisation, passwords, sessions
from qms.services.people.signing import SigningLimits
from qms.settings import Settings, get_settings
from qms.web import collector, errors
from qms.web.auth import csrf_protect
from qms.web.i18n import make_environments
from qms.web.limits import BodyLimit
from qms.web.static_files import ASSETS
from qms.web.static_files import STATIC_DIR as STATIC_DIR  # where the tests read the files

SESSION_COOKIE = "qms_session"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
    ),
]


class ResponseHeaders:
    """Adds ``Server-Timing: app;dur=<ms>`` (time to the response headers), the security
    headers every response carries, and ``Cache-Control: no-store`` on every response to
    a signed-in request (pages, API, downloads, errors): no browser or proxy cache keeps
    what a user saw. Static assets keep their own cache headers (qms.web.static_files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})  # the routes' request.state

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={elapsed:.2f}".encode()))
                names = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                if state.get("signed_in"):
                    headers = _no_store(headers)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _no_store(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``Cache-Control: no-store`` (a value that has it already stays)."""
    given = [value.lower() for name, value in headers if name.lower() == b"cache-control"]
    if any(b"no-store" in value for value in given):
        return headers
    kept = [(name, value) for name, value in headers if name.lower() != b"cache-control"]
    return [*kept, (b"cache-control", b"no-store")]


def _engine_options(settings: Settings) -> dict[str, object]:
    """A pool that keeps enough connections for the requests the thread pool runs at once
    (a connection opened and closed per request costs more than the request, a new
    PostgreSQL backend process each time). PostgreSQL's JIT compiler costs more than it
    saves on the register's short queries (tens of milliseconds per query), so the app's
    connections turn it off."""
    size = settings.database_pool_size
    options: dict[str, object] = {"pool_size": size, "max_overflow": size}
    if settings.database_url.startswith("postgresql"):
        options["connect_args"] = {"options": "-c jit=off"}
    return options


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app: upgrade the schema, load the signing key, mount every area."""
    from qms.web.routes import (
        admin_departments,
        admin_documents,
        admin_settings,
        admin_users,
        api_audits,
        api_capa,
        api_documents,
        api_integrity,
        api_notices,
        api_reviews,
        audit_checklist,
        audits,
        capa,
        desk,
        documents,
        editing,
        home,
        notices,
        objectives,
        paper_copies,
        portal,
        readers,
        records,
        reports,
        review_comments,
        reviews,
        risks,
        trail,
        word,
        yearly,
    )

    settings = settings or get_settings()
    passwords.limit_concurrent_hashes(settings.max_concurrent_hashes)
    engine = make_engine(settings.database_url, **_engine_options(settings))
    upgrade(engine)
    with write_session(engine) as session:
        secret = settings.secret_key or logins.session_secret(session)
        timezone = organisation.get_setting(session, "timezone") or settings.timezone

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        collector.freeze_start_up()
        yield
        engine.dispose()

    app = FastAPI(
        title="qms",
        version=__version__,
        description="ISO 9001 document control: documents and their issues.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(csrf_protect)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.jinja = make_environments(timezone)
    app.state.session_lifetimes = sessions.Lifetimes.of(
        idle_minutes=settings.session_idle_minutes, max_hours=settings.session_max_hours
    )
    app.state.signing_limits = SigningLimits.of(
        max_failures=settings.signing_max_failures,
        window_minutes=settings.signing_window_minutes,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_hours * 3600,  # the server's row decides sooner
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(BodyLimit)
    app.add_middleware(ResponseHeaders)
    app.add_middleware(collector.SettleAfterWarmUp)  # outermost: counts whole requests
    app.mount("/static", ASSETS, name="static")
    from qms.web import auth

    for module in (
        auth,
        home,
        notices,
        word,
        documents,
        editing,
        review_comments,
        readers,
        paper_copies,
        portal,
        trail,
        audits,
        audit_checklist,
        capa,
        risks,
        yearly,
        reviews,
        records,
        admin_users,
        admin_departments,
        admin_settings,
        admin_documents,
        objectives,
        desk,
        reports,
    ):
        app.include_router(module.router, include_in_schema=False)
    for module in (
        api_documents,
        api_audits,
        api_capa,
        api_integrity,
        api_notices,
        api_reviews,
    ):
        app.include_router(module.router, prefix="/api")
    errors.install(app)
    return app
