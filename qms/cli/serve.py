"""``qms serve``: the web application."""

import click

from qms.cli.common import app, said
from qms.cli.help import TranslatedHelp


@click.command(cls=TranslatedHelp)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Processes."
)
@click.option(
    "--proxy-headers/--no-proxy-headers",
    default=True,
    show_default=True,
    help="Trust X-Forwarded-For/-Proto from the proxies in FORWARDED_ALLOW_IPS (default 127.0.0.1).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, proxy_headers: bool) -> None:
    """The web application: pages for people, a JSON API under /api.

    The schema is upgraded at start, as `qms init` does. Several workers share the
    database (use PostgreSQL for them) and the session key kept in it
    (or QMS_SECRET_KEY). Behind an HTTPS proxy set QMS_COOKIE_SECURE=1.

    \b
    Example:
      qms serve --port 8000
      QMS_DATABASE_URL=postgresql://qms@db/qms qms serve --workers 4
    """
    import uvicorn

    from qms.db import upgrade

    context = app(ctx)  # settings read (and refused) here, before any worker starts
    # Once, before the workers start (each checks it again): a schema that cannot be
    # upgraded is refused here, in one line.
    upgrade(context.engine)
    context.close()
    click.echo(said("qms: serving on {address} (Ctrl+C stops)", address=f"http://{host}:{port}"),
               err=True)  # fmt: skip
    uvicorn.run(
        "qms.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        server_header=False,  # no "server: uvicorn": the stack is nobody's business
        log_level="info",
    )
