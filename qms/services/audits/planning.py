"""Internal audits (ISO 9001 clause 9.2, method per ISO 19011): planning, the team and its
independence, starting an audit (which freezes its checklist and grades), conclusions.

States: planned -> in_progress -> reported -> closed, and reported -> in_progress by an
explicit reopen. Working the checklist is in ``audit_work``, the report, signatures and
closing in ``audit_reports``, read-only views in ``audit_views``; what they share is in
``audit_core`` (re-exported here).
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import NotFound, Text, ValidationError
from qms.models import (
    Audit,
    AuditCriterion,
    AuditDepartment,
    AuditMember,
    AuditProgramme,
    ChecklistItem,
    Department,
    Document,
    Finding,
    ProgrammeEntry,
    Revision,
    User,
    pk,
)
from qms.render.body import checked_record_text
from qms.services.audits import checklists
from qms.services.audits.checklists import Library
from qms.services.audits.core import PLANNERS as PLANNERS
from qms.services.audits.core import READERS as READERS
from qms.services.audits.core import REF_PATTERN, set_status
from qms.services.audits.core import AuditStatus as AuditStatus
from qms.services.audits.core import AuditType as AuditType
from qms.services.audits.core import check_independence as check_independence
from qms.services.audits.core import check_team_independence as check_team_independence
from qms.services.audits.core import criteria_of as criteria_of
from qms.services.audits.core import department_ids as department_ids
from qms.services.audits.core import departments_of as departments_of
from qms.services.audits.core import findings_of as findings_of
from qms.services.audits.core import get_audit as get_audit
from qms.services.audits.core import items_of as items_of
from qms.services.audits.core import members_of as members_of
from qms.services.audits.core import normalise_ref as normalise_ref
from qms.services.audits.core import procedure_criteria as procedure_criteria
from qms.services.audits.core import require_auditor as require_auditor
from qms.services.audits.core import require_editable as require_editable
from qms.services.audits.core import require_lead as require_lead
from qms.services.audits.core import require_status as require_status
from qms.services.audits.core import role_in as role_in
from qms.services.audits.steps import check_assign, check_conclude, check_plan, check_start
from qms.services.documents import register as documents
from qms.services.fields import one_line
from qms.services.notices import kinds as notices
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.text import clean

MAX_OBJECTIVES_CHARS = 20_000
_NUMBERING_LOCK_KEY = 0x49410000  # + year: serialises numbering of one year's audits


def get_finding(session: Session, *, ref: str, number: int) -> Finding:
    """Finding ``number`` of audit ``ref`` (used by corrective action)."""
    audit = get_audit(session, ref)
    finding = session.exec(
        select(Finding).where(Finding.audit_id == audit.id).where(Finding.number == number)
    ).first()
    if finding is None:
        raise NotFound("{ref} has no finding F{number}", ref=audit.ref, number=number)
    return finding


def finding_label(session: Session, finding: Finding) -> str:
    """ "IA-2026-01 / F2"."""
    audit = session.get(Audit, finding.audit_id)
    assert audit is not None
    return f"{audit.ref} / F{finding.number}"


# ------------------------------------------------------------------------ planning


@dataclass(frozen=True)
class PlannedCriteria:
    clauses: list[str]
    procedures: list[tuple[Document, Revision]]


def _criteria(
    session: Session, library: Library, clauses: list[str], procedures: list[str]
) -> PlannedCriteria:
    clause_list = checklists.validate_clauses(library, clauses)
    found: list[tuple[Document, Revision]] = []
    for code in procedures:
        doc = documents.get_document(session, code)
        rev = documents.effective_revision(session, doc)
        if rev is None:
            raise ValidationError("{code} has no effective issue to audit against", code=doc.code)
        if all(d.id != doc.id for d, _ in found):
            found.append((doc, rev))
    if not clause_list and not found:
        raise ValidationError("an audit needs criteria: at least one clause or procedure")
    return PlannedCriteria(clause_list, found)


def _next_number(session: Session, year: int) -> int:
    """The number of the next ``IA-<year>-<NN>``; on PostgreSQL planners of one year queue
    for it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _NUMBERING_LOCK_KEY + year}
        )
    refs = session.exec(select(Audit.ref).where(Audit.year == year)).all()
    numbers = [int(m.group(2)) for r in refs if (m := REF_PATTERN.match(r))]
    return (max(numbers) if numbers else 0) + 1


def plan(
    session: Session,
    *,
    actor: User,
    departments: list[str],
    clauses: list[str],
    procedures: list[str],
    lead: str,
    team: list[str],
    planned_start: date,
    planned_end: date,
    objectives: str,
    auditee_rep: str | None = None,
    audit_type: str = AuditType.INTERNAL.value,
    follows: str | None = None,
    library: Path | None = None,
) -> Audit:
    """Plan an audit: scope (departments; the procedures in the criteria are its
    processes), criteria (clauses and the effective issue of each procedure), dates, lead
    auditor and team (independent of what they audit), auditee representative."""
    check_plan(session, actor)
    objectives = clean(objectives)
    if not objectives:
        raise ValidationError("an audit needs objectives")
    if len(objectives) > MAX_OBJECTIVES_CHARS:
        raise ValidationError(
            "the objectives are longer than {limit:,} characters", limit=MAX_OBJECTIVES_CHARS
        )
    if planned_end < planned_start:
        raise ValidationError("the planned end is before the planned start")
    kind = _audit_type(audit_type)
    followed = _followed(session, kind, follows)
    depts = _departments(session, departments)
    criteria = _criteria(session, checklists.load_library(library), clauses, procedures)
    lead_user = require_auditor(session, lead, Text("lead auditor"))
    team_users: list[User] = []
    for name in team:
        member = require_auditor(session, name, Text("on the audit team"))
        if member.id != lead_user.id and all(m.id != member.id for m in team_users):
            team_users.append(member)
    dept_ids = [pk(d) for d in depts]
    for auditor in [lead_user, *team_users]:
        check_independence(session, auditor, dept_ids, criteria.procedures)
    rep = _auditee_rep(session, auditee_rep, dept_ids) if auditee_rep else None
    now = utcnow()
    number = _next_number(session, planned_start.year)
    audit = Audit(
        ref=f"IA-{planned_start.year}-{number:02d}",
        year=planned_start.year,
        number=number,
        audit_type=kind.value,
        follows_audit_id=followed.id if followed else None,
        programme_entry_id=_programme_entry(session, planned_start.year, dept_ids),
        status=AuditStatus.PLANNED.value,
        objectives=objectives,
        planned_start=planned_start,
        planned_end=planned_end,
        lead_auditor_id=pk(lead_user),
        auditee_rep_id=rep.id if rep else None,
        created_at=now,
        created_by_id=pk(actor),
        updated_at=now,
    )
    session.add(audit)
    session.flush()
    for dept_id in dept_ids:
        session.add(AuditDepartment(audit_id=pk(audit), department_id=dept_id))
    session.add(AuditMember(audit_id=pk(audit), user_id=pk(lead_user), role="lead"))
    for member in team_users:
        session.add(AuditMember(audit_id=pk(audit), user_id=pk(member), role="member"))
    position = 0
    for clause in criteria.clauses:
        position += 1
        session.add(
            AuditCriterion(audit_id=pk(audit), position=position, kind="clause", clause=clause)
        )
    for _doc, rev in criteria.procedures:
        position += 1
        session.add(
            AuditCriterion(
                audit_id=pk(audit), position=position, kind="document", revision_id=pk(rev)
            )
        )
    trail.record(
        session,
        actor=actor.username,
        action="audit.plan",
        entity="audit",
        entity_id=audit.ref,
        payload={
            "new": {
                "type": audit.audit_type,
                "status": audit.status,
                "departments": [d.code for d in depts],
                "clauses": criteria.clauses,
                "procedures": [f"{d.code}/{r.issue}" for d, r in criteria.procedures],
                "lead": lead_user.username,
                "team": [m.username for m in team_users],
                "auditee_rep": rep.username if rep else None,
                "planned_start": planned_start,
                "planned_end": planned_end,
                "objectives": objectives,
            }
        },
    )
    notices.audit_assigned(session, audit=audit, members=[lead_user, *team_users], by=actor)
    session.commit()
    return audit


def _audit_type(value: str) -> AuditType:
    try:
        return AuditType(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise ValidationError(
            "audit type {value!r} must be internal or follow_up", value=value
        ) from None


def _followed(session: Session, kind: AuditType, follows: str | None) -> Audit | None:
    if kind == AuditType.FOLLOW_UP:
        if not follows:
            raise ValidationError("a follow-up audit names the audit it follows up")
        return get_audit(session, follows)
    if follows:
        raise ValidationError("only a follow-up audit follows another audit")
    return None


def _departments(session: Session, codes: list[str]) -> list[Department]:
    depts: list[Department] = []
    for code in codes:
        dept = users.get_department(session, code)
        if all(d.id != dept.id for d in depts):
            depts.append(dept)
    if not depts:
        raise ValidationError("an audit needs at least one department in its scope")
    return depts


def _auditee_rep(session: Session, username: str, dept_ids: list[int]) -> User:
    rep = users.get_active_user(session, username)
    if rep.department_id not in dept_ids:
        raise ValidationError(
            "the auditee representative {user} must belong to an audited department",
            user=rep.username,
        )
    return rep


def _programme_entry(session: Session, year: int, dept_ids: list[int]) -> int | None:
    """The programme line this audit carries out, when it audits one planned department."""
    if len(dept_ids) != 1:
        return None
    entry = session.exec(
        select(ProgrammeEntry)
        .join(AuditProgramme, col(AuditProgramme.id) == ProgrammeEntry.programme_id)
        .where(AuditProgramme.year == year)
        .where(ProgrammeEntry.department_id == dept_ids[0])
    ).first()
    return entry.id if entry else None


def assign(session: Session, *, actor: User, ref: str, username: str) -> Audit:
    """Add an auditor to the team (lead auditor, controller or admin)."""
    audit = get_audit(session, ref, lock=True)
    check_assign(session, actor, audit)
    member = require_auditor(session, username, Text("on the audit team"))
    if role_in(session, audit, member):
        raise ValidationError(
            "{user} is already on the team of {ref}", user=member.username, ref=audit.ref
        )
    check_independence(
        session, member, department_ids(session, audit), procedure_criteria(session, audit)
    )
    session.add(AuditMember(audit_id=pk(audit), user_id=pk(member), role="member"))
    audit.updated_at = utcnow()
    session.add(audit)
    trail.record(
        session,
        actor=actor.username,
        action="audit.assign",
        entity="audit",
        entity_id=audit.ref,
        payload={"new": {"member": member.username}},
    )
    notices.audit_assigned(session, audit=audit, members=[member], by=actor)
    session.commit()
    return audit


# ------------------------------------------------------------------------ starting


def start(session: Session, *, actor: User, ref: str, library: Path | None = None) -> Audit:
    """Start the audit (lead auditor): re-check independence, then freeze its grades and
    checklist: the library questions of each clause criterion and its sub-clauses, once
    per audited department, then the questions generated from each procedure."""
    audit = get_audit(session, ref, lock=True)
    check_start(session, actor, audit)
    lib = checklists.load_library(library)
    grades = checklists.current_grades(session, lib)
    depts = departments_of(session, audit)
    number = 0
    for criterion in criteria_of(session, audit):
        if criterion.kind != "clause":
            continue
        for dept in depts:
            for entry in checklists.expand(lib, criterion.clause):
                for question in entry.questions:
                    number += 1
                    session.add(
                        ChecklistItem(
                            audit_id=pk(audit),
                            number=number,
                            source="library",
                            clause=entry.clause,
                            clause_2008=entry.clause_2008,
                            question_key=question.key,
                            question_vi=question.vi,
                            question_en=question.en,
                            department_id=dept.id,
                        )
                    )
    for doc, rev in procedure_criteria(session, audit):
        for generated in checklists.procedure_questions(doc.code, rev.issue, rev.body):
            number += 1
            session.add(
                ChecklistItem(
                    audit_id=pk(audit),
                    number=number,
                    source="procedure",
                    clause=generated.clause,
                    question_key=generated.key,
                    question_vi=generated.vi,
                    question_en=generated.en,
                    department_id=depts[0].id if len(depts) == 1 else None,
                    revision_id=rev.id,
                )
            )
    audit.actual_start = organisation.today(session)
    audit.grades = checklists.dump_grades(grades)
    audit.checklist_source = lib.source
    set_status(
        session,
        actor=actor,
        audit=audit,
        status=AuditStatus.IN_PROGRESS,
        action="start",
        details={
            "actual_start": audit.actual_start,
            "checklist_source": audit.checklist_source,
            "items": number,
            "grades": [g.code for g in grades],
        },
    )
    team = [user for user, _role in members_of(session, audit)]
    notices.checklist_to_work(session, audit=audit, members=team, items=number)
    session.commit()
    return audit


def conclude(
    session: Session,
    *,
    actor: User,
    ref: str,
    conclusions: str,
    distribution: list[str] | None = None,
) -> Audit:
    """Write the conclusions (and optionally the distribution list) of the report. They
    are Markdown within the caps the report's PDF applies, checked here."""
    audit = get_audit(session, ref, lock=True)
    check_conclude(session, actor, audit)
    written = clean(conclusions).replace("\r\n", "\n")
    if not written:
        raise ValidationError("the conclusions are empty")
    if len(written) > MAX_OBJECTIVES_CHARS:
        raise ValidationError(
            "the conclusions are longer than {limit:,} characters", limit=MAX_OBJECTIVES_CHARS
        )
    checked_record_text(written, Text("conclusions"))
    old = {"conclusions": audit.conclusions, "distribution": audit.distribution}
    audit.conclusions = written
    if distribution is not None:
        entries = [one_line(d, field=Text("distribution entry")) for d in distribution]
        audit.distribution = "\n".join(entry for entry in entries if entry)
    new = {"conclusions": audit.conclusions, "distribution": audit.distribution}
    if new != old:
        audit.updated_at = utcnow()
        session.add(audit)
        trail.record(
            session,
            actor=actor.username,
            action="audit.conclude",
            entity="audit",
            entity_id=audit.ref,
            payload={"old": old, "new": new},
        )
    session.commit()
    return audit
