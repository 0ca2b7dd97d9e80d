"""Publishing what is due: every approved issue whose effective date has come (the daily
job), each in its own short transaction.

Several runs may overlap (a cron job on two app servers, a coordinator publishing by
hand): each issue is taken under its document's lock, in document-code order, and one
that another run has just published is skipped. One issue that fails (a refusal, a
render that fails) is rolled back alone and named; the others still take effect.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from qms.db import is_transient
from qms.domain import RevisionStatus, Role
from qms.errors import Conflict, QMSError, Text
from qms.models import Document, Revision, User
from qms.services.documents import register as documents
from qms.services.documents.revisions import take_effect
from qms.services.people import organisation, users

# A deadlock or serialisation failure is retried this many times in all, then named.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class DueIssue:
    code: str
    issue: int


@dataclass(frozen=True)
class FailedIssue:
    code: str
    issue: int
    error: QMSError  # why it was not published; nothing of it was saved


@dataclass
class DueRun:
    """What one run did, each list in document-code order."""

    published: list[DueIssue] = field(default_factory=list)
    # Published meanwhile by someone else, or no longer approved and due once locked.
    skipped: list[DueIssue] = field(default_factory=list)
    failed: list[FailedIssue] = field(default_factory=list)


def due_issues(session: Session, today: date) -> list[DueIssue]:
    """Approved issues whose effective date is ``today`` or earlier, by document code."""
    rows = session.exec(
        select(Document.code, Revision.issue)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(Revision.status == RevisionStatus.APPROVED.value)
        .where(col(Revision.planned_effective_date) <= today)
        .order_by(col(Document.code))
    ).all()
    return [DueIssue(code, issue) for code, issue in rows]


def publish_due(session: Session, *, actor: User) -> DueRun:
    """Publish every approved issue whose effective date has come, one transaction each.

    Commits after each issue. A refusal or render failure rolls back that issue only and
    is named in :attr:`DueRun.failed`; a deadlock is retried (:data:`MAX_ATTEMPTS`).
    """
    users.require_role(session, actor, Role.CONTROLLER, action=Text("publish documents"))
    today = organisation.today(session)
    due = due_issues(session, today)
    session.rollback()  # the list is only a plan: each issue is checked again under its lock
    run = DueRun()
    for item in due:
        try:
            published = _publish_one(session, actor, item, today)
        except QMSError as exc:
            run.failed.append(FailedIssue(item.code, item.issue, exc))
            continue
        (run.published if published else run.skipped).append(item)
    return run


def _publish_one(session: Session, actor: User, item: DueIssue, today: date) -> bool:
    """Make ``item`` effective in a transaction of its own; False when it is no longer
    approved and due (another run published it). Leaves no transaction open."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            published = _take_effect_if_due(session, actor, item, today)
            if published:
                session.commit()
            else:
                session.rollback()
            return published
        except DBAPIError as exc:
            session.rollback()
            if not is_transient(exc):
                raise
            if attempt == MAX_ATTEMPTS:
                raise Conflict(
                    "the database refused the change {count} times because of "
                    "concurrent changes; run it again",
                    count=MAX_ATTEMPTS,
                ) from exc
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


def _take_effect_if_due(session: Session, actor: User, item: DueIssue, today: date) -> bool:
    session.expire_all()  # read what is committed now, not what an earlier issue loaded
    doc = documents.find_document(session, item.code, lock=True)
    rev = documents.in_progress_revision(session, doc) if doc is not None else None
    if doc is None or rev is None or not _still_due(rev, item, today):
        return False
    take_effect(session, actor=actor, doc=doc, rev=rev, reviewed_on=today)
    return True


def _still_due(rev: Revision, item: DueIssue, today: date) -> bool:
    return (
        rev.issue == item.issue
        and rev.status == RevisionStatus.APPROVED
        and rev.planned_effective_date is not None
        and rev.planned_effective_date <= today
    )
