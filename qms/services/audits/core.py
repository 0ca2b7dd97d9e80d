"""What the audit services share: states, look-ups, the lock on reported audits and the
independence of auditors."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import AuditStatus as AuditStatus
from qms.domain import AuditType as AuditType
from qms.domain import Meaning, Role
from qms.errors import InvalidTransition, NotFound, PermissionDenied, Text, ValidationError
from qms.models import (
    Audit,
    AuditCriterion,
    AuditDepartment,
    AuditMember,
    ChecklistAttachment,
    ChecklistItem,
    CorrectiveActionRequest,
    Department,
    Document,
    Finding,
    Revision,
    Signature,
    User,
)
from qms.phrases import state
from qms.services.people import users
from qms.services.trail import chain as trail
from qms.text import clean

REF_PATTERN = re.compile(r"^IA-(\d{4})-(\d{2,})$")


PLANNERS = (Role.CONTROLLER, Role.AUDITOR, Role.ADMIN)
READERS = (Role.AUDITOR, Role.CONTROLLER, Role.ADMIN, Role.APPROVER)
_SIGNED = {Meaning.DRAFTED: Text("drafted"), Meaning.APPROVED: Text("approved")}


# ------------------------------------------------------------------------- look-ups


def normalise_ref(ref: str) -> str:
    value = clean(ref).upper()
    if not REF_PATTERN.match(value):
        raise ValidationError("{ref!r} is not an audit reference (e.g. IA-2026-01)", ref=ref)
    return value


def get_audit(session: Session, ref: str, *, lock: bool = False) -> Audit:
    """The audit ``ref`` (case-insensitive); ``lock`` holds its row until commit."""
    query = select(Audit).where(Audit.ref == normalise_ref(ref))
    audit = session.exec(query.with_for_update() if lock else query).first()
    if audit is None:
        raise NotFound("no audit {ref}", ref=normalise_ref(ref))
    return audit


def department_ids(session: Session, audit: Audit) -> list[int]:
    return list(
        session.exec(
            select(AuditDepartment.department_id).where(AuditDepartment.audit_id == audit.id)
        ).all()
    )


def departments_of(session: Session, audit: Audit) -> list[Department]:
    return list(
        session.exec(
            select(Department)
            .join(AuditDepartment, col(AuditDepartment.department_id) == Department.id)
            .where(AuditDepartment.audit_id == audit.id)
            .order_by(col(Department.code))
        ).all()
    )


def members_of(session: Session, audit: Audit) -> list[tuple[User, str]]:
    """The team, lead auditor first."""
    rows = session.exec(
        select(User, AuditMember.role)
        .join(AuditMember, col(AuditMember.user_id) == User.id)
        .where(AuditMember.audit_id == audit.id)
    ).all()
    return sorted(rows, key=lambda r: (r[1] != "lead", r[0].username))


def criteria_of(session: Session, audit: Audit) -> list[AuditCriterion]:
    return list(
        session.exec(
            select(AuditCriterion)
            .where(AuditCriterion.audit_id == audit.id)
            .order_by(col(AuditCriterion.position))
        ).all()
    )


def procedure_criteria(session: Session, audit: Audit) -> list[tuple[Document, Revision]]:
    out = []
    for criterion in criteria_of(session, audit):
        if criterion.kind == "document" and criterion.revision_id is not None:
            rev = session.get(Revision, criterion.revision_id)
            assert rev is not None
            doc = session.get(Document, rev.document_id)
            assert doc is not None
            out.append((doc, rev))
    return out


def items_of(session: Session, audit: Audit) -> list[ChecklistItem]:
    return list(
        session.exec(
            select(ChecklistItem)
            .where(ChecklistItem.audit_id == audit.id)
            .order_by(col(ChecklistItem.number))
        ).all()
    )


def attachments_by_item(session: Session, audit: Audit) -> dict[int, list[ChecklistAttachment]]:
    """Every attachment of the audit's checklist by item id, in one query (views and the
    record hash read them all)."""
    rows = session.exec(
        select(ChecklistAttachment)
        .join(ChecklistItem, col(ChecklistItem.id) == ChecklistAttachment.item_id)
        .where(ChecklistItem.audit_id == audit.id)
        .order_by(col(ChecklistAttachment.id))
    ).all()
    by_item: dict[int, list[ChecklistAttachment]] = {}
    for attachment in rows:
        by_item.setdefault(attachment.item_id, []).append(attachment)
    return by_item


def findings_of(session: Session, audit: Audit) -> list[Finding]:
    return list(
        session.exec(
            select(Finding).where(Finding.audit_id == audit.id).order_by(col(Finding.number))
        ).all()
    )


def capa_refs(session: Session, audit: Audit) -> dict[int, str]:
    """The corrective action raised from each finding of the audit: finding id -> ref."""
    rows = session.exec(
        select(CorrectiveActionRequest.finding_id, CorrectiveActionRequest.ref)
        .join(Finding, col(Finding.id) == CorrectiveActionRequest.finding_id)
        .where(Finding.audit_id == audit.id)
    ).all()
    return {finding_id: ref for finding_id, ref in rows if finding_id is not None}


# ------------------------------------------------------------------- status changes


@contextmanager
def changing_status(
    session: Session,
    *,
    actor: User,
    audit: Audit,
    status: AuditStatus,
    action: str,
    reason: str | None = None,
) -> Iterator[dict[str, object]]:
    """Move ``audit`` to ``status`` for the body of the ``with``, which may add details
    for the trail to the dictionary it gets (a hash computed under the new status); the
    trail event (old and new status, the details, the reason) is written when the body
    ends without an error."""
    old = audit.status
    audit.status = status.value
    audit.updated_at = utcnow()
    session.add(audit)
    session.flush()
    details: dict[str, object] = {}
    yield details
    payload: dict[str, object] = {
        "old": {"status": old},
        "new": {"status": audit.status, **details},
    }
    if reason is not None:
        payload["reason"] = reason
    trail.record(
        session,
        actor=actor.username,
        action=f"audit.{action}",
        entity="audit",
        entity_id=audit.ref,
        payload=payload,
    )


def set_status(
    session: Session,
    *,
    actor: User,
    audit: Audit,
    status: AuditStatus,
    action: str,
    details: dict[str, object] | None = None,
    reason: str | None = None,
) -> None:
    """Change the audit's state and put the transition on the trail (old and new status,
    ``details``, ``reason``): every status change of an audit goes through here."""
    with changing_status(
        session, actor=actor, audit=audit, status=status, action=action, reason=reason
    ) as extra:
        extra.update(details or {})


# ------------------------------------------------------------------------ rules


def require_editable(audit: Audit) -> None:
    """Reported and closed audits are records: locked against every edit."""
    if audit.status == AuditStatus.REPORTED:
        raise InvalidTransition(
            "{ref} is reported and locked; reopen it to change it", ref=audit.ref
        )
    if audit.status == AuditStatus.CLOSED:
        raise InvalidTransition("{ref} is closed and locked", ref=audit.ref)


def require_status(audit: Audit, status: AuditStatus, doing: Text) -> None:
    if audit.status == status:
        return
    if status in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS):
        require_editable(audit)
    raise InvalidTransition(
        "{ref} is {state}; it must be {wanted} to {doing}",
        ref=audit.ref,
        state=state(audit.status),
        wanted=state(status),
        doing=doing,
    )


def role_in(session: Session, audit: Audit, user: User) -> str | None:
    """ "lead", "member" or None."""
    return session.exec(
        select(AuditMember.role)
        .where(AuditMember.audit_id == audit.id)
        .where(AuditMember.user_id == user.id)
    ).first()


def require_lead(session: Session, audit: Audit, user: User, doing: Text) -> None:
    if audit.lead_auditor_id != user.id:
        raise PermissionDenied(
            "only the lead auditor of {ref} can {doing}", ref=audit.ref, doing=doing
        )


def require_auditor(session: Session, username: str, what: Text) -> User:
    user = users.get_active_user(session, username)
    if Role.AUDITOR not in users.roles_of(session, user):
        raise PermissionDenied(
            "{user} cannot be {what}: it needs the auditor role", user=user.username, what=what
        )
    return user


def check_independence(
    session: Session, auditor: User, dept_ids: list[int], revisions: list[tuple[Document, Revision]]
) -> None:
    """Auditors do not audit their own work: not their own department, nor a procedure
    issue they drafted or approved."""
    if auditor.department_id in dept_ids:
        dept = users.department_by_id(session, auditor.department_id)
        raise PermissionDenied(
            "{user} belongs to {dept}, which this audit covers; "
            "auditors cannot audit their own department",
            user=auditor.username,
            dept=dept.code,
        )
    for doc, rev in revisions:
        meanings = set(
            session.exec(
                select(Signature.meaning)
                .where(Signature.revision_id == rev.id)
                .where(Signature.user_id == auditor.id)
            ).all()
        )
        if rev.drafted_by_id == auditor.id:
            meanings.add(Meaning.DRAFTED.value)
        for meaning in (Meaning.DRAFTED, Meaning.APPROVED):
            if meaning.value in meanings:
                raise PermissionDenied(
                    "{user} {signed} {code} issue {issue}, which this audit uses as a "
                    "criterion; auditors cannot audit their own work",
                    user=auditor.username,
                    signed=_SIGNED[meaning],
                    code=doc.code,
                    issue=rev.issue,
                )


def check_team_independence(session: Session, audit: Audit) -> None:
    dept_ids = department_ids(session, audit)
    revisions = procedure_criteria(session, audit)
    for user, _role in members_of(session, audit):
        check_independence(session, user, dept_ids, revisions)
