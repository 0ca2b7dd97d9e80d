"""What waits for a user: drafts to finish, issues to review or approve, new issues to
acknowledge. Each section is one query; more areas add their own section function."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_
from sqlmodel import Session, col, select

from qms.domain import Meaning, RevisionStatus, Role
from qms.models import Acknowledgement, Document, Revision, Signature, User
from qms.services import users

Cond = ColumnElement[bool]

SHOWN_PER_SECTION = 20


@dataclass(frozen=True)
class InboxItem:
    code: str
    title: str
    issue: int
    status: str
    since: datetime
    url: str = ""  # audit and corrective-action items link to their own page


@dataclass(frozen=True)
class InboxSection:
    key: str  # "drafts", "review", "approve", "acknowledge"...
    total: int
    items: list[InboxItem]


SectionQuery = Callable[[Session, User, set[Role]], Cond | None]


def _signed(meaning: Meaning) -> Cond:
    """The revision carries a signature of ``meaning`` on its current content."""
    return exists().where(
        and_(
            col(Signature.revision_id) == Revision.id,
            col(Signature.meaning) == meaning.value,
            col(Signature.content_hash) == Revision.content_hash,
        )
    )


def _drafts(session: Session, user: User, roles: set[Role]) -> Cond | None:
    if Role.CONTROLLER not in roles:
        return None
    return and_(
        col(Revision.status) == RevisionStatus.DRAFT.value, col(Revision.drafted_by_id) == user.id
    )


def _assigned(column: int | None, user: User, role: Role, roles: set[Role]) -> Cond:
    mine = col(column) == user.id
    if role in roles:
        return or_(mine, col(column).is_(None))
    return mine


def _to_review(session: Session, user: User, roles: set[Role]) -> Cond | None:
    if Role.REVIEWER not in roles:
        return None
    return and_(
        col(Revision.status) == RevisionStatus.IN_REVIEW.value,
        col(Revision.drafted_by_id) != user.id,
        _assigned(Revision.reviewer_id, user, Role.REVIEWER, roles),
        not_(_signed(Meaning.REVIEWED)),
    )


def _to_approve(session: Session, user: User, roles: set[Role]) -> Cond | None:
    if Role.APPROVER not in roles:
        return None
    reviewed_by_me = exists().where(
        and_(
            col(Signature.revision_id) == Revision.id,
            col(Signature.meaning) == Meaning.REVIEWED.value,
            col(Signature.user_id) == user.id,
        )
    )
    return and_(
        col(Revision.status) == RevisionStatus.IN_REVIEW.value,
        col(Revision.drafted_by_id) != user.id,
        _assigned(Revision.approver_id, user, Role.APPROVER, roles),
        _signed(Meaning.REVIEWED),
        not_(reviewed_by_me),
    )


def _to_acknowledge(session: Session, user: User, roles: set[Role]) -> Cond | None:
    """Effective issues of the user's department (all, without one) not yet acknowledged."""
    acknowledged = exists().where(
        and_(
            col(Acknowledgement.revision_id) == Revision.id,
            col(Acknowledgement.user_id) == user.id,
        )
    )
    condition = and_(
        col(Revision.status) == RevisionStatus.EFFECTIVE.value,
        or_(col(Revision.drafted_by_id).is_(None), col(Revision.drafted_by_id) != user.id),
        not_(acknowledged),
    )
    if user.department_id is not None:
        condition = and_(condition, col(Document.department_id) == user.department_id)
    return condition


SECTIONS: list[tuple[str, SectionQuery]] = [
    ("drafts", _drafts),
    ("review", _to_review),
    ("approve", _to_approve),
    ("acknowledge", _to_acknowledge),
]


def inbox(session: Session, *, viewer: User) -> list[InboxSection]:
    """Every section that applies to the viewer's roles, with counts and the oldest items."""
    roles = users.roles_of(session, viewer)
    sections = []
    for key, query in SECTIONS:
        condition = query(session, viewer, roles)
        if condition is None:
            continue
        base = select(Document, Revision).join(Revision, col(Revision.document_id) == Document.id)
        total = session.exec(
            select(func.count())
            .select_from(Document)
            .join(Revision, col(Revision.document_id) == Document.id)
            .where(condition)
        ).one()
        rows = session.exec(
            base.where(condition)
            .order_by(col(Revision.updated_at), col(Document.code))
            .limit(SHOWN_PER_SECTION)
        ).all()
        items = [
            InboxItem(doc.code, doc.title, rev.issue, rev.status, rev.updated_at)
            for doc, rev in rows
        ]
        sections.append(InboxSection(key, int(total), items))
    from qms.services.inbox_records import record_sections

    sections.extend(record_sections(session, viewer, roles))
    return sections
