"""The audit and corrective-action sections of the home page: checklists to work, reports
to sign, actions due and verifications due."""

from datetime import UTC, date, datetime, time
from urllib.parse import quote

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.domain import CapaStatus, Role
from qms.models import Audit, AuditMember, CapaAction, ChecklistItem, CorrectiveAction, User
from qms.services.audit_core import AuditStatus
from qms.services.audit_records import AUDITEE, signatures_of, valid_signed
from qms.services.inbox import SHOWN_PER_SECTION, InboxItem, InboxSection


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
        select(CapaAction, CorrectiveAction)
        .join(CorrectiveAction, col(CorrectiveAction.id) == CapaAction.capa_id)
        .where(CapaAction.owner_id == user.id)
        .where(CapaAction.status == "open")
        .where(CorrectiveAction.status == CapaStatus.ACTIONS_PLANNED.value)
        .order_by(col(CapaAction.due_date), col(CorrectiveAction.ref))
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
        select(CorrectiveAction)
        .where(CorrectiveAction.status == CapaStatus.ACTIONS_DONE.value)
        .where(col(CorrectiveAction.id).not_in(owned))
        .order_by(col(CorrectiveAction.verification_due), col(CorrectiveAction.ref))
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


def record_sections(session: Session, user: User, roles: set[Role]) -> list[InboxSection]:
    """The sections that apply to the user; empty ones only for the roles they concern."""
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
