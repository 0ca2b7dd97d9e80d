"""``qms jobs run``: what is due, safe from several machines at once.

The daily jobs (reminders, digests, the trail anchor, unused stored files) claim their
day by inserting a ``job_run`` row (unique on job and period) in a transaction of their
own; a run that finds the row taken skips the job, unless that run failed (or died long
ago), in which case it takes the day over. Publishing and sending mail run at every
run: each issue is published under its document's lock and each mail is claimed before
it is sent, so they happen once however many runs overlap, and nothing waits for the next
period. A job that fails is rolled back, reported, and tried again by the next run; the
others still run.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from qms.clock import utcnow
from qms.errors import Joined, QMSError, Text, ValidationError
from qms.models import JobRun
from qms.services import blobs
from qms.services.documents import publishing
from qms.services.notices import mail, reminders
from qms.services.people import organisation, users
from qms.services.trail import anchors
from qms.settings import Settings

# A run still "running" after this long died (a machine lost power): the next run takes over.
STALE_AFTER = timedelta(hours=2)


@dataclass
class JobReport:
    job: str
    period: str | None  # None: a job that runs at every run
    ran: bool = False  # False: another run has done (or is doing) this period
    done: list[Text] = field(default_factory=list)
    error: Text | Joined | str | None = None  # why it failed; the next run retries


@dataclass(frozen=True)
class RunContext:
    settings: Settings
    actor_name: str
    now: datetime


JobBody = Callable[[Session, RunContext, JobReport], None]


@dataclass(frozen=True)
class Job:
    name: str
    # The period it runs once in, or None: every run (each item under its own lock).
    period: Callable[[Session, datetime], str | None]
    body: JobBody


def _every_run(session: Session, now: datetime) -> None:
    return None


def _day(session: Session, now: datetime) -> str:
    return organisation.today(session).isoformat()


def _publish(session: Session, context: RunContext, report: JobReport) -> None:
    actor = users.get_active_user(session, context.actor_name)
    result = publishing.publish_due(session, actor=actor)
    for item in result.published:
        report.done.append(
            Text("{code} issue {issue} is now effective", code=item.code, issue=item.issue)
        )
    if result.failed:
        report.error = Joined(
            [
                Text(
                    "{code} issue {issue} was not published: {reason}",
                    code=failure.code,
                    issue=failure.issue,
                    reason=failure.error.text,
                )
                for failure in result.failed
            ],
            "; ",
        )


def _reminders(session: Session, context: RunContext, report: JobReport) -> None:
    given = reminders.remind(session, today=organisation.today(session))
    session.commit()
    report.done.append(
        Text(
            "reminders: {actions} actions, {verifications} verifications, {reviews} reviews, "
            "{risks} risk reviews and actions, {reads} issues unread",
            actions=given.actions,
            verifications=given.verifications,
            reviews=given.reviews,
            risks=given.risks,
            reads=given.reads,
        )
    )


def _digest(session: Session, context: RunContext, report: JobReport) -> None:
    count = mail.queue_digests(session, day=organisation.today(session))
    report.done.append(Text("{count} daily digests queued", count=count))


def _mail(session: Session, context: RunContext, report: JobReport) -> None:
    settings = context.settings.mail
    if settings is None:
        report.done.append(Text("no mail server is set (QMS_SMTP_HOST): mail waits"))
        return
    result = mail.send_due(session, settings=settings, base_url=context.settings.base_url)
    report.done.append(Text("{count} mails sent", count=len(result.sent)))
    if result.failed:
        last = result.failed[-1]
        report.error = Text(
            "{count} mails could not be sent and will be tried again; the last error: {error}",
            count=len(result.failed),
            error=last.error,
        )


def _anchor(session: Session, context: RunContext, report: JobReport) -> None:
    target = context.settings.anchor_file
    if target is None:
        report.done.append(Text("no anchor file is set (QMS_ANCHOR_FILE)"))
        return
    anchor = anchors.take(session)
    session.rollback()
    try:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(anchor.line() + "\n")
    except OSError as exc:
        raise ValidationError(
            "cannot append the anchor to {path}: {reason}",
            path=target,
            reason=exc.strerror or str(exc),
        ) from exc
    report.done.append(
        Text("anchor of event {seq} appended to {path}", seq=anchor.seq, path=target)
    )


def _storage(session: Session, context: RunContext, report: JobReport) -> None:
    dropped = blobs.drop_unused_pdfs(session)
    session.commit()
    report.done.append(
        Text(
            "stored PDFs nothing uses any more: {count} deleted ({size} MB)",
            count=dropped.files,
            size=f"{dropped.size / 1_000_000:.1f}",
        )
    )


JOBS: tuple[Job, ...] = (
    Job("publish", _every_run, _publish),
    Job("reminders", _day, _reminders),
    Job("digest", _day, _digest),
    Job("mail", _every_run, _mail),
    Job("anchor", _day, _anchor),
    Job("storage", _day, _storage),
)
JOB_NAMES = tuple(job.name for job in JOBS)


def run_due(
    session: Session, *, settings: Settings, actor_name: str, only: str | None = None
) -> list[JobReport]:
    """Run each job (or only the one named) whose period nobody has done yet."""
    if only is not None and only not in JOB_NAMES:
        raise ValidationError(
            "there is no job {name!r}; the jobs are {names}",
            name=only,
            names=", ".join(JOB_NAMES),
        )
    # Who acts is checked before anything is claimed: a wrong name is bad input.
    users.get_active_user(session, actor_name)
    session.rollback()
    context = RunContext(settings, actor_name, utcnow())
    reports = []
    for job in JOBS:
        if only is not None and job.name != only:
            continue
        report = JobReport(job.name, job.period(session, context.now))
        session.rollback()
        reports.append(report)
        if report.period is not None and not _claim(session, job.name, report.period, context.now):
            continue
        report.ran = True
        try:
            job.body(session, context, report)
        except QMSError as exc:
            session.rollback()
            report.error = exc.text
        except Exception as exc:
            session.rollback()
            report.error = f"{type(exc).__name__}: {exc}"
        if report.period is not None:
            _finish(session, job.name, report.period, report.error)
    return reports


def _claim(session: Session, job: str, period: str, now: datetime) -> bool:
    """Take (job, period) for this run, committed; False when another run has it."""
    try:
        session.add(JobRun(job=job, period=period, status="running", started_at=now))
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
    result = session.exec(
        update(JobRun)
        .where(col(JobRun.job) == job)
        .where(col(JobRun.period) == period)
        .where(
            or_(
                col(JobRun.status) == "failed",
                and_(col(JobRun.status) == "running", col(JobRun.started_at) < now - STALE_AFTER),
            )
        )
        .values(status="running", started_at=now, runs=JobRun.runs + 1, error="")
    )
    session.commit()
    return bool(result.rowcount)


def _finish(session: Session, job: str, period: str, error: Text | Joined | str | None) -> None:
    session.exec(
        update(JobRun)
        .where(col(JobRun.job) == job)
        .where(col(JobRun.period) == period)
        .values(
            status="failed" if error is not None else "done",
            finished_at=utcnow(),
            error=str(error) if error is not None else "",
        )
    )
    session.commit()
