"""Comments on a passage of an issue in review, and their answers.

A reviewer or approver comments on one passage of the rendered text (named by its anchor,
see :func:`qms.render.html_diff.anchor`); the drafter and the reviewers answer. Comments
stay with the issue when it is returned for changes, so the drafter finds each one beside
its passage; one whose passage the drafter has since changed keeps the words it was about.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import CommentOutcome, Role
from qms.errors import NotFound, PermissionDenied, QMSError, ValidationError
from qms.models import Document, ReviewComment, Revision, User, pk
from qms.render import RenderError
from qms.render.html_diff import anchor, blocks
from qms.services.documents import bodies
from qms.services.documents import register as documents
from qms.services.documents import steps as checks
from qms.services.documents.register import lock_document
from qms.services.people import users
from qms.services.trail import chain as trail
from qms.text import clean

MAX_COMMENT_CHARS = 4000
_QUOTE_CHARS = 500


def passages_of(session: Session, rev: Revision) -> dict[str, str]:
    """The anchors of an issue's passages and the words of each."""
    return {anchor(i, b): b.text for i, b in enumerate(blocks(bodies.html_of(session, rev.body)))}


def _checked_body(body: str) -> str:
    body = clean(body)
    if not body:
        raise ValidationError("write the comment").about("comment")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            "a comment is at most {limit:,} characters", limit=MAX_COMMENT_CHARS
        ).about("comment")
    return body


def comment_on_passage(
    session: Session, *, actor: User, code: str, passage: str, body: str
) -> ReviewComment:
    """A reviewer's or approver's comment on one passage of the issue in review."""
    doc = lock_document(session, code)
    rev = checks.check_return(session, actor, doc)  # who may return it may comment on it
    body = _checked_body(body)
    words = passages_of(session, rev).get(passage)
    if words is None:
        raise ValidationError(
            "{issue} has no such passage; reload the page", issue=checks.label(doc, rev)
        )
    return _saved(
        session, actor, doc, rev, CommentOutcome.COMMENT, body, passage, words[:_QUOTE_CHARS]
    )


def reply(session: Session, *, actor: User, code: str, comment_id: int, body: str) -> ReviewComment:
    """An answer to a comment on the issue in progress, by its drafter or a reviewer or
    approver."""
    doc = lock_document(session, code)
    rev = documents.in_progress_revision(session, doc)
    original = session.get(ReviewComment, comment_id)
    if rev is None or original is None or original.revision_id != rev.id:
        raise NotFound(
            "{code} has no comment {id} on its issue in progress", code=doc.code, id=comment_id
        )
    _check_reply(session, actor, doc, rev)
    body = _checked_body(body)
    root = original.reply_to_id or pk(original)  # answers form one thread
    return _saved(
        session, actor, doc, rev, CommentOutcome.REPLY, body, original.anchor, reply_to=root
    )


def _check_reply(session: Session, actor: User, doc: Document, rev: Revision) -> None:
    roles = users.roles_of(session, actor)
    if rev.drafted_by_id != actor.id and not roles & {Role.REVIEWER, Role.APPROVER}:
        raise PermissionDenied(
            "only the drafter, reviewers and approvers answer comments on {issue}",
            issue=checks.label(doc, rev),
        )


def _saved(
    session: Session,
    actor: User,
    doc: Document,
    rev: Revision,
    outcome: CommentOutcome,
    body: str,
    anchor: str | None,
    passage: str | None = None,
    *,
    reply_to: int | None = None,
) -> ReviewComment:
    comment = ReviewComment(
        revision_id=pk(rev),
        author_id=pk(actor),
        outcome=outcome,
        body=body,
        created_at=utcnow(),
        anchor=anchor,
        passage=passage,
        reply_to_id=reply_to,
    )
    session.add(comment)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action=f"revision.{comment.outcome}",
        entity="revision",
        entity_id=f"{doc.code}/{rev.issue}",
        payload={
            "new": {
                "comment": comment.body,
                "passage": comment.anchor,
                "reply_to": comment.reply_to_id,
            }
        },
    )
    session.commit()
    return comment


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass
class Thread:
    """A comment on a passage and the answers to it, oldest first."""

    comment: Note
    passage: str  # the words it was about, when it was made
    anchor: str
    replies: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class PassageComments:
    """The comment threads of an issue: by the anchor of a passage it still has, and the
    threads whose passage has changed since (shown with the words they were about)."""

    by_passage: dict[str, list[Thread]]
    moved: list[Thread]

    @property
    def count(self) -> int:
        return sum(len(t) for t in self.by_passage.values()) + len(self.moved)


def threads_of(session: Session, rev: Revision) -> PassageComments:
    rows = session.exec(
        select(ReviewComment, User)
        .join(User, col(User.id) == ReviewComment.author_id)
        .where(ReviewComment.revision_id == rev.id, col(ReviewComment.anchor).is_not(None))
        .order_by(col(ReviewComment.created_at), col(ReviewComment.id))
    ).all()
    threads: dict[int, Thread] = {}
    for comment, author in rows:
        note = Note(pk(comment), author.username, comment.body, comment.created_at)
        if comment.reply_to_id is None:
            threads[pk(comment)] = Thread(note, comment.passage or "", comment.anchor or "")
        elif comment.reply_to_id in threads:
            threads[comment.reply_to_id].replies.append(note)
    try:
        current = passages_of(session, rev)
    except RenderError:  # a body the renderer refuses: every thread is shown apart
        current = {}
    by_passage: dict[str, list[Thread]] = {}
    moved: list[Thread] = []
    for thread in threads.values():
        if thread.anchor in current:
            by_passage.setdefault(thread.anchor, []).append(thread)
        else:
            moved.append(thread)
    return PassageComments(by_passage, moved)


def may_comment(session: Session, viewer: User, doc: Document) -> bool:
    """Whether ``viewer`` may comment on passages of the issue in review now."""
    try:
        checks.check_return(session, viewer, doc)
    except QMSError:
        return False
    return True


def may_reply(session: Session, viewer: User, doc: Document) -> bool:
    """Whether ``viewer`` may answer the comments on the issue in progress (by the check
    :func:`reply` runs)."""
    rev = documents.in_progress_revision(session, doc)
    if rev is None:
        return False
    try:
        _check_reply(session, viewer, doc, rev)
    except QMSError:
        return False
    return True


def issue_number(session: Session, revision_id: int) -> int:
    rev = session.get(Revision, revision_id)
    if rev is None:
        raise NotFound("no issue {id}", id=revision_id)
    return rev.issue
