"""Read-only views of audits: the list, one audit in full, its checklist and findings."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from qms.errors import Joined, NotFound, PermissionDenied, ValidationError
from qms.models import (
    Audit,
    AuditDepartment,
    Blob,
    ChecklistAttachment,
    ChecklistItem,
    Department,
    Finding,
    User,
    pk,
)
from qms.services import blobs
from qms.services.audits import checklists
from qms.services.audits.core import (
    READERS,
    AuditStatus,
    AuditType,
    attachments_by_item,
    capa_refs,
    criteria_of,
    departments_of,
    get_audit,
    members_of,
    procedure_criteria,
    role_in,
)
from qms.services.audits.records import record_state, signature_rows
from qms.services.audits.steps import AuditStep, allowed_steps
from qms.services.audits.work import get_item
from qms.services.people import users


def require_reader(session: Session, viewer: User, audit: Audit | None = None) -> None:
    """Auditors, controllers, approvers and admins see audits; so do an audit's own team
    and auditee representative. Staff do not."""
    if users.roles_of(session, viewer) & set(READERS):
        return
    if audit is not None and (role_in(session, audit, viewer) or audit.auditee_rep_id == viewer.id):
        return
    raise PermissionDenied(
        "{user} cannot see audits: it needs the auditor, controller, approver or admin role",
        user=viewer.username,
    )


def grade_scale(session: Session, *, viewer: User) -> tuple[checklists.Grade, ...]:
    """The grade scale new audits freeze when they start, for those who read audits."""
    require_reader(session, viewer)
    return checklists.current_grades(session, checklists.load_library())


@dataclass(frozen=True)
class AuditSummary:
    ref: str
    year: int
    audit_type: AuditType
    status: AuditStatus
    departments: list[str]
    lead: str
    planned_start: date
    planned_end: date
    items: int
    answered: int
    findings: int


def list_audits(
    session: Session, *, viewer: User, year: int | None = None, status: str | None = None
) -> list[AuditSummary]:
    require_reader(session, viewer)
    query = select(Audit).order_by(col(Audit.year), col(Audit.number))
    if year is not None:
        query = query.where(Audit.year == year)
    if status is not None:
        if status not in {s.value for s in AuditStatus}:
            raise ValidationError(
                "unknown audit status {value!r} (statuses: {choices})",
                value=status,
                choices=Joined([s.value for s in AuditStatus]),
            )
        query = query.where(Audit.status == status)
    found = session.exec(query).all()
    ids = [pk(a) for a in found]
    progress = _item_progress(session, ids)
    finding_counts = _finding_counts(session, ids)
    scopes = _scopes(session, ids)
    leads = {u.id: u.username for u in session.exec(select(User)).all()}
    return [
        AuditSummary(
            ref=audit.ref,
            year=audit.year,
            audit_type=AuditType(audit.audit_type),
            status=AuditStatus(audit.status),
            departments=scopes.get(pk(audit), []),
            lead=leads.get(audit.lead_auditor_id, ""),
            planned_start=audit.planned_start,
            planned_end=audit.planned_end,
            items=progress.get(pk(audit), (0, 0))[0],
            answered=progress.get(pk(audit), (0, 0))[1],
            findings=finding_counts.get(pk(audit), 0),
        )
        for audit in found
    ]


def _item_progress(session: Session, audit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Checklist items and answered items per audit, counted by the database."""
    rows = session.exec(
        select(ChecklistItem.audit_id, func.count(), func.count(col(ChecklistItem.result)))
        .where(col(ChecklistItem.audit_id).in_(audit_ids))
        .group_by(col(ChecklistItem.audit_id))
    ).all()
    return {audit_id: (items, answered) for audit_id, items, answered in rows}


def _finding_counts(session: Session, audit_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(Finding.audit_id, func.count())
        .where(col(Finding.audit_id).in_(audit_ids))
        .group_by(col(Finding.audit_id))
    ).all()
    return dict(rows)


def _scopes(session: Session, audit_ids: list[int]) -> dict[int, list[str]]:
    """The department codes in each audit's scope, in code order."""
    rows = session.exec(
        select(AuditDepartment.audit_id, Department.code)
        .join(Department, col(Department.id) == AuditDepartment.department_id)
        .where(col(AuditDepartment.audit_id).in_(audit_ids))
        .order_by(col(Department.code))
    ).all()
    scopes: dict[int, list[str]] = {}
    for audit_id, code in rows:
        scopes.setdefault(audit_id, []).append(code)
    return scopes


@dataclass(frozen=True)
class ItemView:
    number: int
    source: str
    clause: str
    clause_2008: str
    question_vi: str
    question_en: str
    department: str
    result: str | None
    evidence: str
    attachments: list[dict[str, str]]
    recorded_by: str
    recorded_at: datetime | None


def checklist(session: Session, *, viewer: User, ref: str) -> tuple[Audit, list[ItemView]]:
    audit = get_audit(session, ref)
    require_reader(session, viewer, audit)
    return audit, _item_views(session, audit)


def _item_views(session: Session, audit: Audit, only: int | None = None) -> list[ItemView]:
    """The checklist's items (or just item ``only``) with their attachments and who
    recorded them: four queries however long the checklist, reading only the
    attachments and people of the items read."""
    query = select(ChecklistItem).where(ChecklistItem.audit_id == audit.id)
    if only is not None:
        query = query.where(ChecklistItem.number == only)
    items = session.exec(query.order_by(col(ChecklistItem.number))).all()
    codes = _department_codes(session)
    people = {i.recorded_by_id for i in items if i.recorded_by_id is not None}
    names = dict(session.exec(select(User.id, User.username).where(col(User.id).in_(people))).all())
    if only is None:
        attachments = attachments_by_item(session, audit)
    else:
        attachments = {}
        for attachment in session.exec(
            select(ChecklistAttachment)
            .where(col(ChecklistAttachment.item_id).in_([pk(i) for i in items]))
            .order_by(col(ChecklistAttachment.id))
        ).all():
            attachments.setdefault(attachment.item_id, []).append(attachment)
    return [
        ItemView(
            number=i.number,
            source=i.source,
            clause=i.clause,
            clause_2008=i.clause_2008,
            question_vi=i.question_vi,
            question_en=i.question_en,
            department=codes.get(i.department_id, ""),
            result=i.result,
            evidence=i.evidence,
            attachments=[
                {"filename": a.filename, "sha256": a.blob_sha256}
                for a in attachments.get(pk(i), [])
            ],
            recorded_by=names.get(i.recorded_by_id, "") if i.recorded_by_id else "",
            recorded_at=i.recorded_at,
        )
        for i in items
    ]


@dataclass(frozen=True)
class FindingView:
    label: str
    number: int
    item: int
    grade: str
    clause: str
    department: str
    statement: str
    evidence: str
    capa: str | None


def findings(session: Session, *, viewer: User, ref: str) -> list[FindingView]:
    audit = get_audit(session, ref)
    require_reader(session, viewer, audit)
    return _finding_views(session, audit)


def _finding_views(session: Session, audit: Audit) -> list[FindingView]:
    """The audit's findings with the number of the item each was raised on (joined, not
    read from the whole checklist)."""
    codes = _department_codes(session)
    capas = capa_refs(session, audit)
    rows = session.exec(
        select(Finding, ChecklistItem.number)
        .join(ChecklistItem, col(ChecklistItem.id) == Finding.item_id)
        .where(Finding.audit_id == audit.id)
        .order_by(col(Finding.number))
    ).all()
    return [
        FindingView(
            label=f"{audit.ref} / F{f.number}",
            number=f.number,
            item=item,
            grade=f.grade,
            clause=f.clause,
            department=codes.get(f.department_id, "") if f.department_id else "",
            statement=f.statement,
            evidence=f.evidence,
            capa=capas.get(pk(f)),
        )
        for f, item in rows
    ]


@dataclass(frozen=True)
class Worksheet:
    """What an auditor works from: the checklist items and the findings they raised."""

    audit: Audit
    items: list[ItemView]
    findings: list[FindingView]
    steps: tuple[AuditStep, ...]


def worksheet(session: Session, *, viewer: User, ref: str, only: int | None = None) -> Worksheet:
    """The checklist and its findings in one read of the audit; ``only`` narrows the items
    to one (the row a save redraws)."""
    audit = get_audit(session, ref)
    require_reader(session, viewer, audit)
    return Worksheet(
        audit,
        _item_views(session, audit, only),
        _finding_views(session, audit),
        allowed_steps(session, viewer, audit),
    )


@dataclass(frozen=True)
class EvidenceFile:
    filename: str
    media_type: str
    data: bytes


def evidence_file(
    session: Session, *, viewer: User, ref: str, number: int, sha256: str
) -> EvidenceFile:
    """A file of objective evidence kept with checklist item ``number``, for the audit's
    readers; its bytes are checked against their hash before they leave."""
    audit = get_audit(session, ref)
    require_reader(session, viewer, audit)
    item = get_item(session, audit, number)
    found = session.exec(
        select(ChecklistAttachment.filename, Blob.media_type)
        .join(Blob, col(Blob.sha256) == ChecklistAttachment.blob_sha256)
        .where(ChecklistAttachment.item_id == item.id)
        .where(ChecklistAttachment.blob_sha256 == sha256)
    ).first()
    if found is None:
        raise NotFound(
            "item {number} of {ref} has no such attachment", number=number, ref=audit.ref
        )
    filename, media_type = found
    return EvidenceFile(filename, media_type, blobs.data_of(session, sha256))


@dataclass(frozen=True)
class AuditPerson:
    username: str
    full_name: str


@dataclass(frozen=True)
class AuditTeamMember:
    username: str
    full_name: str
    role: str  # "lead" or "member"


@dataclass(frozen=True)
class AuditProcedure:
    """A procedure in the criteria, at the issue the audit was planned against."""

    code: str
    issue: int


@dataclass(frozen=True)
class AuditSignatureEntry:
    meaning: str
    username: str
    printed_name: str
    signed_at: datetime
    content_hash: str
    valid: bool  # False once the record no longer matches what was signed


@dataclass(frozen=True)
class AuditDetail:
    """One audit in full, with the steps the viewer may take on it now."""

    ref: str
    year: int
    audit_type: AuditType
    status: AuditStatus
    objectives: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    departments: list[str]
    clauses: list[str]
    procedures: list[AuditProcedure]
    team: list[AuditTeamMember]
    auditee_rep: AuditPerson | None
    grades: list[checklists.Grade]
    items: int
    answered: int
    counts: dict[str, int]
    findings: list[FindingView]
    conclusions: str
    distribution: list[str]
    checklist_source: str
    report_sha256: str | None
    # The hash the signatures are judged against: for a reported or closed audit the one
    # signed when it was reported, unless ``hashed_now`` (computed from the record as it
    # stands); None for an open record without signatures that nobody asked to hash.
    content_hash: str | None
    hashed_now: bool
    signatures: list[AuditSignatureEntry]
    steps: tuple[AuditStep, ...]


def detail(session: Session, *, viewer: User, ref: str, verify: bool = False) -> AuditDetail:
    """One audit in full. Its record is hashed (every item's text and evidence) only when
    ``verify`` asks for it or an open record carries signatures; see
    :func:`record_state`."""
    audit = get_audit(session, ref)
    require_reader(session, viewer, audit)
    results = dict(
        session.exec(
            select(ChecklistItem.result, func.count())
            .where(ChecklistItem.audit_id == audit.id)
            .group_by(col(ChecklistItem.result))
        ).all()
    )
    grades = checklists.load_grades(audit.grades)
    signed = signature_rows(session, audit)
    state = record_state(session, audit, verify=verify, signed=bool(signed))
    content = state.content_hash
    rep = session.get(User, audit.auditee_rep_id) if audit.auditee_rep_id else None
    return AuditDetail(
        ref=audit.ref,
        year=audit.year,
        audit_type=AuditType(audit.audit_type),
        status=AuditStatus(audit.status),
        objectives=audit.objectives,
        planned_start=audit.planned_start,
        planned_end=audit.planned_end,
        actual_start=audit.actual_start,
        actual_end=audit.actual_end,
        departments=[d.code for d in departments_of(session, audit)],
        clauses=[c.clause for c in criteria_of(session, audit) if c.kind == "clause"],
        procedures=[AuditProcedure(d.code, r.issue) for d, r in procedure_criteria(session, audit)],
        team=[
            AuditTeamMember(u.username, u.full_name, role) for u, role in members_of(session, audit)
        ],
        auditee_rep=AuditPerson(rep.username, rep.full_name) if rep else None,
        grades=list(grades),
        items=sum(results.values()),
        answered=sum(n for result, n in results.items() if result),
        counts={g.code: results.get(g.code, 0) for g in grades},
        findings=_finding_views(session, audit),
        conclusions=audit.conclusions,
        distribution=[line for line in audit.distribution.splitlines() if line.strip()],
        checklist_source=audit.checklist_source,
        report_sha256=audit.report_sha256,
        content_hash=content,
        hashed_now=state.hashed_now,
        signatures=[
            AuditSignatureEntry(
                meaning=s.meaning,
                username=username,
                printed_name=s.printed_name,
                signed_at=s.signed_at,
                content_hash=s.content_hash,
                valid=s.content_hash == content,
            )
            for s, username in signed
        ],
        steps=allowed_steps(session, viewer, audit, content_hash=content),
    )


def _department_codes(session: Session) -> dict[int | None, str]:
    return {d.id: d.code for d in session.exec(select(Department)).all()}
