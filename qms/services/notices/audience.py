"""Who a notice goes to. Each rule is the one the step's own check applies, so a notice
reaches exactly the people who may take the step."""

from sqlmodel import Session, col, select

from qms.domain import Role
from qms.models import Document, Revision, User, UserRole
from qms.services.documents import distribution


def with_role(session: Session, role: Role) -> list[User]:
    """Active users holding ``role``, by username."""
    return list(
        session.exec(
            select(User)
            .join(UserRole, col(UserRole.user_id) == User.id)
            .where(UserRole.role == role.value)
            .where(col(User.active).is_(True))
            .order_by(col(User.username))
        ).all()
    )


def by_id(session: Session, user_id: int | None) -> list[User]:
    user = session.get(User, user_id) if user_id is not None else None
    return [user] if user is not None else []


def reviewers_of(session: Session, rev: Revision) -> list[User]:
    """The reviewer it was sent to, else every reviewer but its drafter."""
    if rev.reviewer_id is not None:
        return by_id(session, rev.reviewer_id)
    return [u for u in with_role(session, Role.REVIEWER) if u.id != rev.drafted_by_id]


def approvers_of(session: Session, rev: Revision, *, reviewed_by: int) -> list[User]:
    """The approver it was sent to, else every approver who neither drafted nor reviewed it."""
    if rev.approver_id is not None:
        return by_id(session, rev.approver_id)
    excluded = {rev.drafted_by_id, reviewed_by}
    return [u for u in with_role(session, Role.APPROVER) if u.id not in excluded]


def readers_of(session: Session, doc: Document, rev: Revision) -> list[User]:
    """Who must acknowledge a new issue: the people on the document's distribution (see
    :mod:`qms.services.documents.distribution`), not its drafter."""
    return [user for user in distribution.readers(session, doc) if user.id != rev.drafted_by_id]
