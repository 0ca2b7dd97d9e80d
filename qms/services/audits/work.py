"""Working an audit's checklist: a result and objective evidence per item, attachments,
and the findings every nonconformity result becomes."""

import mimetypes
from collections.abc import Sequence
from pathlib import PurePath

from sqlmodel import Session, func, select

from qms.clock import utcnow
from qms.errors import Conflict, Joined, NotFound, ValidationError
from qms.models import (
    Audit,
    ChecklistAttachment,
    ChecklistItem,
    CorrectiveActionRequest,
    Finding,
    User,
    pk,
)
from qms.services import blobs
from qms.services.audits import checklists
from qms.services.audits.core import department_ids, get_audit
from qms.services.audits.steps import check_record
from qms.services.notices import kinds as notices
from qms.services.people import users
from qms.services.trail import chain as trail
from qms.text import clean

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_ITEM = 20
MAX_EVIDENCE_CHARS = 20_000


def get_item(session: Session, audit: Audit, number: int) -> ChecklistItem:
    item = session.exec(
        select(ChecklistItem)
        .where(ChecklistItem.audit_id == audit.id)
        .where(ChecklistItem.number == number)
    ).first()
    if item is None:
        raise NotFound("{ref} has no checklist item {number}", ref=audit.ref, number=number)
    return item


def finding_of(session: Session, item: ChecklistItem) -> Finding | None:
    return session.exec(select(Finding).where(Finding.item_id == item.id)).first()


def record(
    session: Session,
    *,
    actor: User,
    ref: str,
    item: int,
    result: str,
    evidence: str = "",
    finding: str | None = None,
    department: str | None = None,
    attachments: Sequence[tuple[str, bytes]] = (),
) -> ChecklistItem:
    """Record (or change) the result of one checklist item; team members only.

    The result must be one of the audit's frozen grades; every result but the conforming
    one (the scale's first grade) needs objective evidence, and a nonconformity needs a
    finding statement. A nonconformity creates or updates the item's finding; re-grading
    it as anything else removes the finding.
    """
    (row,) = record_items(
        session,
        actor=actor,
        ref=ref,
        items=[item],
        result=result,
        evidence=evidence,
        finding=finding,
        department=department,
        attachments=attachments,
    )
    return row


def record_items(
    session: Session,
    *,
    actor: User,
    ref: str,
    items: Sequence[int],
    result: str,
    evidence: str = "",
    finding: str | None = None,
    department: str | None = None,
    attachments: Sequence[tuple[str, bytes]] = (),
) -> list[ChecklistItem]:
    """Record the same result and evidence for several checklist items at once (as
    :func:`record` does for one), in one transaction: all of them or none."""
    audit = get_audit(session, ref, lock=True)
    check_record(session, actor, audit)
    if not items:
        raise ValidationError("name at least one checklist item")
    if len(set(items)) != len(items):
        raise ValidationError("a checklist item is named twice")
    if attachments and len(items) > 1:
        raise ValidationError("attach evidence files to one checklist item at a time")
    rows = [get_item(session, audit, number) for number in items]
    grades = checklists.load_grades(audit.grades)
    code = clean(result).upper()
    grade = next((g for g in grades if g.code == code), None)
    if grade is None:
        raise ValidationError(
            "result {result!r} is not one of {choices}",
            result=clean(result),
            choices=Joined([g.code for g in grades]),
        )
    evidence = clean(evidence).replace("\r\n", "\n")
    if grade != grades[0] and not evidence:
        raise ValidationError("a {grade} result needs objective evidence", grade=grade.code)
    if len(evidence) > MAX_EVIDENCE_CHARS:
        raise ValidationError(
            "the evidence is longer than {limit:,} characters", limit=MAX_EVIDENCE_CHARS
        )
    statement = clean(finding or "")
    if grade.nonconformity and not statement:
        raise ValidationError("a {grade} result needs a finding statement", grade=grade.code).about(
            "finding"
        )
    if statement and not grade.nonconformity:
        raise ValidationError(
            "a {grade} result is not a nonconformity; it has no finding", grade=grade.code
        )
    dept_id = None
    if department:
        dept = users.get_department(session, department)
        if dept.id not in department_ids(session, audit):
            raise ValidationError(
                "{dept} is not in the scope of {ref}", dept=dept.code, ref=audit.ref
            )
        dept_id = dept.id
    checked = []
    for row in rows:
        files = _check_attachments(session, row, attachments)
        existing = finding_of(session, row)
        if existing is not None and not grade.nonconformity:
            _require_no_capa(session, audit, existing)
        checked.append((row, files, existing))
    for row, files, existing in checked:
        _apply(session, actor, audit, row, grade, evidence, statement, dept_id, files, existing)
    session.commit()
    return rows


def _apply(
    session: Session,
    actor: User,
    audit: Audit,
    row: ChecklistItem,
    grade: checklists.Grade,
    evidence: str,
    statement: str,
    dept_id: int | None,
    files: list[tuple[str, bytes]],
    existing: Finding | None,
) -> None:
    now = utcnow()
    old = {"result": row.result, "evidence": row.evidence}
    row.result = grade.code
    row.evidence = evidence
    row.department_id = dept_id or row.department_id
    row.recorded_by_id = actor.id
    row.recorded_at = now
    session.add(row)
    stored = []
    for filename, data in files:
        media_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        blob = blobs.put(session, data=data, media_type=media_type)
        session.add(
            ChecklistAttachment(
                item_id=pk(row),
                blob_sha256=blob.sha256,
                filename=filename,
                added_by_id=pk(actor),
                added_at=now,
            )
        )
        stored.append({"filename": filename, "sha256": blob.sha256, "size": blob.size})
    finding_change = _sync_finding(session, audit, row, grade.nonconformity, statement, existing)
    audit.updated_at = now
    session.add(audit)
    payload: dict[str, object] = {
        "item": row.number,
        "old": old,
        "new": {"result": row.result, "evidence": row.evidence},
    }
    if stored:
        payload["attachments"] = stored
    if finding_change:
        payload["finding"] = finding_change
    trail.record(
        session,
        actor=actor.username,
        action="audit.record",
        entity="audit",
        entity_id=audit.ref,
        payload=payload,
    )
    if existing is None and grade.nonconformity:
        raised = finding_of(session, row)
        if raised is not None:
            notices.finding_raised(session, audit=audit, finding=raised, by=actor)


def _check_attachments(
    session: Session, row: ChecklistItem, attachments: Sequence[tuple[str, bytes]]
) -> list[tuple[str, bytes]]:
    files = []
    for raw_name, data in attachments:
        filename = clean(PurePath(raw_name.replace("\\", "/")).name)[:200]
        if not filename:
            raise ValidationError("an attachment needs a file name")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                "attachment {name} is larger than the {limit} MB limit",
                name=filename,
                limit=MAX_ATTACHMENT_BYTES // 1024 // 1024,
            )
        if not data:
            raise ValidationError("attachment {name} is empty", name=filename)
        files.append((filename, data))
    already = int(
        session.exec(
            select(func.count())
            .select_from(ChecklistAttachment)
            .where(ChecklistAttachment.item_id == row.id)
        ).one()
    )
    if already + len(files) > MAX_ATTACHMENTS_PER_ITEM:
        raise ValidationError(
            "item {number} can have at most {limit} attachments",
            number=row.number,
            limit=MAX_ATTACHMENTS_PER_ITEM,
        )
    return files


def _require_no_capa(session: Session, audit: Audit, finding: Finding) -> None:
    capa = session.exec(
        select(CorrectiveActionRequest.ref).where(CorrectiveActionRequest.finding_id == finding.id)
    ).first()
    if capa is not None:
        raise Conflict(
            "{ref} / F{number} has corrective action {car}; it cannot be re-graded as conforming",
            ref=audit.ref,
            number=finding.number,
            car=capa,
        )


def _sync_finding(
    session: Session,
    audit: Audit,
    row: ChecklistItem,
    nonconformity: bool,
    statement: str,
    existing: Finding | None,
) -> dict[str, object] | None:
    """Create, update or delete the item's finding; returns what changed for the trail."""
    now = utcnow()
    if not nonconformity:
        if existing is None:
            return None
        session.delete(existing)
        session.flush()
        return {"number": existing.number, "deleted": True}
    if existing is None:
        numbers = session.exec(select(Finding.number).where(Finding.audit_id == audit.id)).all()
        existing = Finding(
            audit_id=pk(audit),
            item_id=pk(row),
            number=max(numbers, default=0) + 1,
            grade="",
            statement="",
            evidence="",
            created_at=now,
            updated_at=now,
        )
    existing.grade = str(row.result)
    existing.clause = row.clause
    existing.department_id = row.department_id or _sole_department(session, audit)
    existing.statement = statement
    existing.evidence = row.evidence
    existing.updated_at = now
    session.add(existing)
    session.flush()
    return {"number": existing.number, "grade": existing.grade, "statement": statement}


def _sole_department(session: Session, audit: Audit) -> int | None:
    ids = department_ids(session, audit)
    return ids[0] if len(ids) == 1 else None
