"""What waits for a user: drafts to finish, issues to review or approve, new issues to
acknowledge, checklists to work, reports to sign, actions and verifications due. Each
section is one query; more areas add their own section function."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from urllib.parse import quote

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_
from sqlmodel import Session, col, select

from qms.domain import CapaStatus, Meaning, RevisionStatus, Role
from qms.models import (
    Acknowledgement,
    Audit,
    AuditMember,
    CapaAction,
    ChecklistItem,
    CorrectiveActionRequest,
    Document,
    Revision,
    Signature,
    User,
)
from qms.services.audits.core import AuditStatus
from qms.services.audits.records import AUDITEE, signatures_of, valid_signed
from qms.services.people import users

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
            InboxItem(doc.code, doc.title, rev.issue, rev.status, _since(rev)) for doc, rev in rows
        ]
        sections.append(InboxSection(key, int(total), items))
    sections.extend(_record_sections(session, viewer, roles))
    return sections


def _since(rev: Revision) -> datetime:
    """Since when an issue has waited: an effective one since the date it took effect (for
    an imported issue, the date on paper, not the moment of the import)."""
    if rev.status == RevisionStatus.EFFECTIVE and rev.planned_effective_date:
        return _at(rev.planned_effective_date)
    return rev.updated_at


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _section(key: str, items: list[InboxItem]) -> InboxSection:
    return InboxSection(key, len(items), items[:SHOWN_PER_SECTION])


def _checklists(session: Session, user: User) -> InboxSection:
    """In-progress audits of the user's team with checklist items still unanswered."""
    open_items = (
        select(Audit, func.count(col(ChecklistItem.id)))
        .join(AuditMember, col(AuditMember.audit_id) == Audit.id)
        .join(ChecklistItem, col(ChecklistItem.audit_id) == Audit.id)
        .where(AuditMember.user_id == user.id)
        .where(Audit.status == AuditStatus.IN_PROGRESS.value)
        .where(col(ChecklistItem.result).is_(None))
        .group_by(col(Audit.id))
        .order_by(col(Audit.ref))
    )
    items = [
        InboxItem(audit.ref, f"{count}", 0, audit.status, audit.updated_at, _audit_url(audit.ref))
        for audit, count in session.exec(open_items).all()
    ]
    return _section("checklists", items)


def _reports_to_sign(session: Session, user: User) -> InboxSection:
    reported = session.exec(
        select(Audit)
        .where(Audit.auditee_rep_id == user.id)
        .where(Audit.status == AuditStatus.REPORTED.value)
        .order_by(col(Audit.ref))
    ).all()
    items = [
        InboxItem(
            audit.ref,
            audit.objectives[:120],
            0,
            audit.status,
            audit.reported_at or audit.updated_at,
            _audit_url(audit.ref),
        )
        for audit in reported
        if not valid_signed(signatures_of(session, audit), AUDITEE)
    ]
    return _section("sign_reports", items)


def _actions_due(session: Session, user: User) -> InboxSection:
    rows = session.exec(
        select(CapaAction, CorrectiveActionRequest)
        .join(CorrectiveActionRequest, col(CorrectiveActionRequest.id) == CapaAction.capa_id)
        .where(CapaAction.owner_id == user.id)
        .where(CapaAction.status == "open")
        .where(CorrectiveActionRequest.status == CapaStatus.ACTIONS_PLANNED.value)
        .order_by(col(CapaAction.due_date), col(CorrectiveActionRequest.ref))
    ).all()
    items = [
        InboxItem(
            car.ref,
            action.description[:120],
            action.number,
            car.status,
            _at(action.due_date),
            _capa_url(car.ref),
        )
        for action, car in rows
    ]
    return _section("actions_due", items)


def _verifications_due(session: Session, user: User) -> InboxSection:
    owned = select(CapaAction.capa_id).where(CapaAction.owner_id == user.id)
    rows = session.exec(
        select(CorrectiveActionRequest)
        .where(CorrectiveActionRequest.status == CapaStatus.ACTIONS_DONE.value)
        .where(col(CorrectiveActionRequest.id).not_in(owned))
        .order_by(col(CorrectiveActionRequest.verification_due), col(CorrectiveActionRequest.ref))
    ).all()
    items = [
        InboxItem(
            car.ref,
            car.description[:120],
            0,
            car.status,
            _at(car.verification_due) if car.verification_due else car.updated_at,
            _capa_url(car.ref),
        )
        for car in rows
    ]
    return _section("verifications", items)


def _audit_url(ref: str) -> str:
    return f"/audits/{quote(ref, safe='')}"


def _capa_url(ref: str) -> str:
    return f"/capa/{quote(ref, safe='')}"


def _record_sections(session: Session, user: User, roles: set[Role]) -> list[InboxSection]:
    """The audit and corrective-action sections that apply to the user; empty ones only for the roles they concern."""
    sections = []
    checklists = _checklists(session, user)
    if Role.AUDITOR in roles or checklists.total:
        sections.append(checklists)
    reports = _reports_to_sign(session, user)
    if reports.total:
        sections.append(reports)
    actions = _actions_due(session, user)
    if actions.total:
        sections.append(actions)
    if roles & {Role.AUDITOR, Role.CONTROLLER}:
        sections.append(_verifications_due(session, user))
    return sections
