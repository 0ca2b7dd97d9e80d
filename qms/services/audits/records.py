"""The audit record: its canonical content hash, the signatures bound to it, and the
report data (plain dataclasses for ``qms.render``) built from it."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select as select_columns  # any number of columns (sqlmodel: four)
from sqlmodel import Session, col, select

from qms.clock import naive_utc
from qms.domain import AuditStatus
from qms.errors import IntegrityProblem
from qms.i18n import Message, msg, translate_all
from qms.models import Audit, AuditSignature, ChecklistItem, Department, User, pk
from qms.render.data import (
    AuditReport,
    GradeCount,
    RecordSignature,
    ReportChecklistItem,
    ReportFinding,
)
from qms.services.audits import checklists
from qms.services.audits.core import (
    attachments_by_item,
    capa_refs,
    criteria_of,
    departments_of,
    findings_of,
    items_of,
    members_of,
    procedure_criteria,
)
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.integrity.report import short
from qms.services.people import organisation
from qms.services.records import views as records_views
from qms.services.trail.chain import canonical

LEAD = "lead_auditor"
AUDITEE = "auditee"
_WORDS: dict[str, Message] = {
    "issue": msg("issue"),
    "standard": msg("ISO 9001:2015"),
    "lead": msg("Lead auditor"),
    "auditee": msg("Auditee representative"),
    "management": msg("Management representative"),
}


# ---------------------------------------------------------------- the record and its hash


def record_hash(session: Session, audit: Audit) -> str:
    """SHA-256 over the canonical audit record that signatures bind to: scope, criteria,
    team, dates, every item with its result, evidence and attachment hashes, the
    findings and the conclusions."""
    criteria = []
    for criterion in criteria_of(session, audit):
        criteria.append({"kind": criterion.kind, "clause": criterion.clause})
    procedures = [
        {"code": doc.code, "issue": rev.issue, "content_hash": rev.content_hash}
        for doc, rev in procedure_criteria(session, audit)
    ]
    codes = {d.id: d.code for d in session.exec(select(Department)).all()}
    attachments = attachments_by_item(session, audit)
    # Plain rows, not ORM objects: a checklist may hold thousands of items.
    rows = session.execute(
        select_columns(
            col(ChecklistItem.id),
            col(ChecklistItem.number),
            col(ChecklistItem.clause),
            col(ChecklistItem.question_key),
            col(ChecklistItem.question_vi),
            col(ChecklistItem.question_en),
            col(ChecklistItem.department_id),
            col(ChecklistItem.result),
            col(ChecklistItem.evidence),
        )
        .where(col(ChecklistItem.audit_id) == audit.id)
        .order_by(col(ChecklistItem.number))
    ).all()
    items = [
        {
            "number": number,
            "clause": clause,
            "question_key": key,
            "question_vi": question_vi,
            "question_en": question_en,
            "department": codes.get(department_id),
            "result": result,
            "evidence": evidence,
            "attachments": [[a.blob_sha256, a.filename] for a in attachments.get(item_id, [])],
        }
        for item_id, number, clause, key, question_vi, question_en, department_id, result, evidence in rows
    ]
    findings = [
        {
            "number": f.number,
            "grade": f.grade,
            "clause": f.clause,
            "department": codes.get(f.department_id),
            "statement": f.statement,
            "evidence": f.evidence,
        }
        for f in findings_of(session, audit)
    ]
    content = {
        "ref": audit.ref,
        "type": audit.audit_type,
        "objectives": audit.objectives,
        "departments": [d.code for d in departments_of(session, audit)],
        "criteria": criteria,
        "procedures": procedures,
        "team": [[u.username, role] for u, role in members_of(session, audit)],
        "auditee_rep": audit.auditee_rep_id,
        "planned": [audit.planned_start, audit.planned_end],
        "actual": [audit.actual_start, audit.actual_end],
        "grades": audit.grades,
        "items": items,
        "findings": findings,
        "conclusions": audit.conclusions,
    }
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def reported_hash(session: Session, audit: Audit) -> str | None:
    """The record hash the lead auditor signed when a reported or closed audit was last
    reported (None for an audit open to changes, or a locked one without that signature).

    A locked record changes only outside the application: that is for the integrity
    check and for the moment of signing to find, not for every read of the audit."""
    if audit.status not in (AuditStatus.REPORTED, AuditStatus.CLOSED):
        return None
    return session.exec(
        select(AuditSignature.content_hash)
        .where(AuditSignature.audit_id == audit.id, AuditSignature.meaning == LEAD)
        .order_by(col(AuditSignature.signed_at).desc(), col(AuditSignature.id).desc())
        .limit(1)
    ).first()


def confirm_reported(session: Session, audit: Audit, content_hash: str) -> None:
    """Refuse to go on with a reported record whose hash (``content_hash``, computed now)
    is not the one the lead auditor signed: it was changed outside the application."""
    reported = reported_hash(session, audit)
    if reported is not None and reported != content_hash:
        raise IntegrityProblem(
            "the record of {ref} is not the one reported (hash {found}, reported {expected}): "
            "it was changed after it was signed; run the integrity check",
            ref=audit.ref,
            found=short(content_hash),
            expected=short(reported),
        )


@dataclass(frozen=True)
class RecordState:
    """The hash a read of the audit judges its signatures against."""

    content_hash: str | None  # None: an open, unsigned record nobody asked to hash
    hashed_now: bool  # computed from the record now, not the hash signed when reported


def record_state(session: Session, audit: Audit, *, verify: bool, signed: bool) -> RecordState:
    """The record's hash without hashing the whole record where nothing depends on it: a
    locked record's is the one signed when it was reported; an open record's is computed
    only when it carries signatures (given before it was reopened: whether they still
    hold depends on what changed since) or when ``verify`` asks for it."""
    if not verify:
        reported = reported_hash(session, audit)
        if reported is not None:
            return RecordState(reported, hashed_now=False)
        if not signed and audit.status not in (AuditStatus.REPORTED, AuditStatus.CLOSED):
            return RecordState(None, hashed_now=False)
    return RecordState(record_hash(session, audit), hashed_now=True)


@dataclass(frozen=True)
class AuditSignatureView:
    signature: AuditSignature
    username: str
    valid: bool


def signature_rows(session: Session, audit: Audit) -> list[tuple[AuditSignature, str]]:
    """Every signature on the audit record with its signer's username, oldest first."""
    rows = session.exec(
        select(AuditSignature, User.username)
        .join(User, col(User.id) == AuditSignature.user_id)
        .where(AuditSignature.audit_id == audit.id)
        .order_by(col(AuditSignature.signed_at), col(AuditSignature.id))
    ).all()
    return [(signature, username) for signature, username in rows]


def signatures_of(
    session: Session, audit: Audit, *, content_hash: str | None = None
) -> list[AuditSignatureView]:
    """Every signature on the audit record, oldest first; one whose hash no longer matches
    the record is invalid. The record's hash is ``content_hash`` when the caller has it,
    else the one signed when a locked record was reported (see :func:`reported_hash`),
    else computed now."""
    actual = content_hash or reported_hash(session, audit) or record_hash(session, audit)
    return [
        AuditSignatureView(s, username, s.content_hash == actual)
        for s, username in signature_rows(session, audit)
    ]


def valid_signed(views: list[AuditSignatureView], meaning: str) -> bool:
    return any(v.valid and v.signature.meaning == meaning for v in views)


# ------------------------------------------------------------------------ report data


def report_data(
    session: Session,
    audit: Audit,
    *,
    language: str | None = None,
    content_hash: str | None = None,
) -> AuditReport:
    """Everything the report PDF shows, as plain data (``content_hash``: the record hash
    when the caller has just computed it)."""
    lang = documents.language_or_default(session, language)
    words = translate_all(_WORDS, "en" if lang == "en" else "vi")
    library = checklists.load_library()
    grades = checklists.load_grades(audit.grades) or checklists.current_grades(session, library)
    labels = {g.code: g.label(lang) for g in grades}
    depts = {d.id: d for d in session.exec(select(Department)).all()}

    def dept_code(dept_id: int | None) -> str:
        dept = depts.get(dept_id) if dept_id else None
        return dept.code if dept else ""

    def dept_name(dept: Department) -> str:
        return (dept.name_en or dept.name) if lang == "en" else dept.name

    processes = tuple(
        f"{doc.code} {doc.title} ({words['issue']} {rev.issue})"
        for doc, rev in procedure_criteria(session, audit)
    )
    criteria = (
        tuple(
            f"{words['standard']} {c.clause} {checklists.clause_title(library, c.clause, lang)}".strip()
            for c in criteria_of(session, audit)
            if c.kind == "clause"
        )
        + processes
    )
    items = items_of(session, audit)
    attachments = attachments_by_item(session, audit)
    annex = tuple(
        ReportChecklistItem(
            number=item.number,
            clause=item.clause,
            clause_2008=item.clause_2008,
            question=item.question_en if lang == "en" else item.question_vi,
            department=dept_code(item.department_id),
            result=labels.get(item.result, item.result) if item.result else "",
            evidence=item.evidence,
            attachments=tuple(a.filename for a in attachments.get(pk(item), [])),
        )
        for item in items
    )
    nonconformity = {g.code for g in grades if g.nonconformity}
    conforming = grades[0].code if grades else ""
    other = tuple(
        line
        for item, line in zip(items, annex, strict=True)
        if item.result and item.result not in nonconformity and item.result != conforming
    )
    capas = capa_refs(session, audit)
    findings = tuple(
        ReportFinding(
            number=f.number,
            grade=labels.get(f.grade, f.grade),
            clause=f.clause,
            department=dept_code(f.department_id),
            statement=f.statement,
            evidence=f.evidence,
            capa_ref=capas.get(pk(f), ""),
        )
        for f in findings_of(session, audit)
    )
    members = members_of(session, audit)
    lead = next(u for u, role in members if role == "lead")
    content = content_hash or record_hash(session, audit)
    rep = session.get(User, audit.auditee_rep_id) if audit.auditee_rep_id else None
    distribution = tuple(line for line in audit.distribution.splitlines() if line.strip()) or (
        f"{lead.full_name} – {words['lead']}",
        *((f"{rep.full_name} – {words['auditee']}",) if rep else ()),
        words["management"],
    )
    return AuditReport(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        ref=audit.ref,
        audit_type=audit.audit_type,
        status=audit.status,
        objectives=audit.objectives,
        departments=tuple(f"{d.code} – {dept_name(d)}" for d in departments_of(session, audit)),
        processes=processes,
        criteria=criteria,
        lead_auditor=lead.full_name,
        team=tuple(u.full_name for u, role in members if role != "lead"),
        auditee_rep=rep.full_name if rep else "",
        planned_start=audit.planned_start,
        planned_end=audit.planned_end,
        actual_start=audit.actual_start,
        actual_end=audit.actual_end,
        grade_counts=tuple(
            GradeCount(
                g.code, g.label(lang), g.nonconformity, sum(1 for i in items if i.result == g.code)
            )
            for g in grades
        ),
        findings=findings,
        other_results=other,
        checklist=annex,
        conclusions=audit.conclusions,
        distribution=distribution,
        signatures=_signature_lines(session, audit, lead, rep, content),
        issued_on=audit.actual_end,
        content_hash=content,
        retention=records_views.produced_retention(session, "audit_report", lang),
        timezone=organisation.get_setting(session, "timezone"),
    )


def _signature_lines(
    session: Session, audit: Audit, lead: User, rep: User | None, content: str
) -> tuple[RecordSignature, ...]:
    """The newest signature of each meaning (a valid one preferred), or an unsigned line."""
    views = signatures_of(session, audit, content_hash=content)
    lines = []
    for meaning, person in ((LEAD, lead), (AUDITEE, rep)):
        if person is None:
            continue
        of_meaning = [v for v in views if v.signature.meaning == meaning]
        chosen = next((v for v in reversed(of_meaning) if v.valid), None) or (
            of_meaning[-1] if of_meaning else None
        )
        if chosen is None:
            lines.append(RecordSignature(meaning, person.full_name, person.position, None))
        else:
            s = chosen.signature
            signed = naive_utc(s.signed_at)
            lines.append(RecordSignature(meaning, s.printed_name, s.position, signed, chosen.valid))
    return tuple(lines)
