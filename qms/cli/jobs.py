"""``qms jobs``: the scheduled work (publishing what is due, reminders, mail, anchors)."""

import click

from qms.cli.common import (
    acting_user,
    app,
    echo_phrase,
    echo_table,
    fmt_time,
    message_text,
    phrase,
    reading,
    writing,
)
from qms.cli.help import TranslatedGroup


@click.group(cls=TranslatedGroup)
def jobs() -> None:
    """Scheduled work: publish what is due, remind, send mail, anchor the trail, free storage."""


@jobs.command("run")
@click.option(
    "--only",
    metavar="JOB",
    help="Run only this job: publish, reminders, digest, mail, anchor or storage.",
)
@acting_user()
def jobs_run(only: str | None, as_user: str) -> None:
    """Do what is due and exit: publish approved issues whose date has come, send mail,
    and once a day give reminders, queue daily digests, append a trail anchor to
    QMS_ANCHOR_FILE and delete the stored PDFs nothing uses any more. Safe when several machines run it at once: each publication, mail and
    daily job happens once. A failed job is named on stderr (exit 1) and tried again by the
    next run; the others still run. The acting user publishes (a controller).

    \b
    Example (cron, every 5 minutes):
      */5 * * * * qms jobs run --as thultm
      qms jobs run --only mail --as thultm
    """
    from qms.errors import Text
    from qms.services.notices import jobs as scheduled

    settings = app(click.get_current_context()).settings
    with writing() as session:
        reports = scheduled.run_due(session, settings=settings, actor_name=as_user, only=only)
    failed = False
    for report in reports:
        name = report.job if report.period is None else f"{report.job} {report.period}"
        if not report.ran:
            echo_phrase("{job}: taken by another run", job=name)
            continue
        for line in report.done:
            click.echo(f"{name}: {message_text(line)}")
        if report.error is not None:
            failed = True
            failure = Text("{job} failed: {reason}", job=report.job, reason=report.error)
            click.echo(f"error: {message_text(failure)}", err=True)
    if failed:
        raise SystemExit(1)


@jobs.command("outbox")
@acting_user()
def jobs_outbox(as_user: str) -> None:
    """Mail not sent yet: waiting, failing (with the last error) or given up (admin).

    \b
    Example:
      qms jobs outbox --as admin
    """
    from datetime import UTC

    from qms.clock import naive_utc
    from qms.services.notices import mail
    from qms.services.people import users

    timezone = app(click.get_current_context()).settings.timezone
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        rows = mail.unsent(session, viewer=viewer)
    if not rows:
        echo_phrase("no mail waiting")
        return
    kinds = {"notice": phrase("notice"), "digest": phrase("daily digest")}
    echo_table(
        [
            phrase("ID"),
            phrase("USER"),
            phrase("KIND"),
            phrase("ATTEMPTS"),
            phrase("NEXT TRY"),
            phrase("STATE"),
            phrase("LAST ERROR"),
        ],
        [
            [
                str(r.id),
                r.username,
                kinds[r.kind],
                str(r.attempts),
                fmt_time(naive_utc(r.next_try_at).replace(tzinfo=UTC), timezone),
                phrase("given up") if r.given_up else phrase("waiting"),
                r.last_error,
            ]
            for r in rows
        ],
    )
