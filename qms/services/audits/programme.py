"""The audit programme of a year (Chương trình đánh giá nội bộ): which departments,
processes and clauses are audited how often, weighted by importance and past results;
and the coverage view of what the year's audits reach and what nothing reaches."""

import json
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import NotFound, Text, ValidationError
from qms.i18n import in_language
from qms.models import (
    Audit,
    AuditCriterion,
    AuditProgramme,
    Department,
    Finding,
    ProgrammeEntry,
    User,
    pk,
)
from qms.services.audits import checklists
from qms.services.audits.core import READERS, department_ids
from qms.services.audits.steps import check_plan
from qms.services.documents import register as documents
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.text import clean

BASE_FREQUENCY = {"high": 2, "medium": 1, "low": 1}
MAJOR, MINOR = "NC_MAJOR", "NC_MINOR"
MINOR_THRESHOLD = 3


def _check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise ValidationError("{year} is not a plausible programme year", year=year)
    return year


def get_programme(session: Session, year: int) -> AuditProgramme:
    programme = session.exec(select(AuditProgramme).where(AuditProgramme.year == year)).first()
    if programme is None:
        raise NotFound(
            "there is no audit programme for {year}; set its objectives first", year=year
        )
    return programme


def set_programme(session: Session, *, actor: User, year: int, objectives: str) -> AuditProgramme:
    """Create the year's programme, or change its objectives."""
    check_plan(session, actor, action=Text("set the audit programme"))
    _check_year(year)
    objectives = clean(objectives)
    if not objectives:
        raise ValidationError("the audit programme needs objectives")
    programme = session.exec(select(AuditProgramme).where(AuditProgramme.year == year)).first()
    old = programme.objectives if programme else None
    if programme is None:
        programme = AuditProgramme(
            year=year, objectives=objectives, created_at=utcnow(), created_by_id=pk(actor)
        )
    programme.objectives = objectives
    session.add(programme)
    session.flush()
    if old != objectives:
        trail.record(
            session,
            actor=actor.username,
            action="programme.set",
            entity="audit_programme",
            entity_id=year,
            payload={"old": {"objectives": old}, "new": {"objectives": objectives}},
        )
    session.commit()
    return programme


@dataclass(frozen=True)
class PastResults:
    major: list[str]
    minor: list[str]


def past_results(session: Session, *, department_id: int, year: int) -> PastResults:
    """Major and minor nonconformities found in the department by the year's audits."""
    rows = session.exec(
        select(Audit.ref, Finding.number, Finding.grade)
        .join(Audit, col(Audit.id) == Finding.audit_id)
        .where(Audit.year == year)
        .where(Finding.department_id == department_id)
        .order_by(col(Audit.year), col(Audit.number), col(Finding.number))
    ).all()
    return PastResults(
        major=[f"{ref} / F{n}" for ref, n, grade in rows if grade == MAJOR],
        minor=[f"{ref} / F{n}" for ref, n, grade in rows if grade == MINOR],
    )


def frequency_for(importance: str, past: PastResults, year: int, language: str) -> tuple[int, str]:
    """Audits planned in the year and the rationale: the base of the importance, plus one
    when last year's audits found a major, or three or more minor, nonconformities."""
    base = BASE_FREQUENCY[importance]
    reasons = [
        Text(
            "{importance} importance: {base} a year",
            importance=_IMPORTANCE[importance],
            base=base,
        )
    ]
    raised = bool(past.major) or len(past.minor) >= MINOR_THRESHOLD
    if past.major:
        reasons.append(
            Text(
                "+1: {count} major nonconformities in {year} ({findings})",
                count=len(past.major),
                year=year - 1,
                findings=", ".join(past.major),
            )
        )
    elif raised:
        reasons.append(
            Text(
                "+1: {count} minor nonconformities in {year}", count=len(past.minor), year=year - 1
            )
        )
    language = "en" if language == "en" else "vi"
    return base + (1 if raised else 0), "; ".join(in_language(r, language) for r in reasons)


_IMPORTANCE = {"high": Text("high"), "medium": Text("medium"), "low": Text("low")}


def set_entry(
    session: Session,
    *,
    actor: User,
    year: int,
    department: str,
    processes: list[str],
    clauses: list[str],
    importance: str,
    months: list[int] | None = None,
) -> ProgrammeEntry:
    """Add or replace the programme line of one department."""
    check_plan(session, actor, action=Text("set the audit programme"))
    programme = get_programme(session, _check_year(year))
    dept = users.get_department(session, department)
    importance = clean(importance).lower()
    if importance not in BASE_FREQUENCY:
        raise ValidationError("importance {value!r} must be high, medium or low", value=importance)
    codes = []
    for code in processes:
        doc = documents.get_document(session, code)
        if doc.code not in codes:
            codes.append(doc.code)
    clause_list = checklists.validate_clauses(checklists.load_library(), clauses)
    if not clause_list and not codes:
        raise ValidationError("a programme line needs clauses or processes to audit")
    month_list = sorted(set(months or []))
    if any(not 1 <= m <= 12 for m in month_list):
        raise ValidationError("months are 1 to 12")
    past = past_results(session, department_id=pk(dept), year=year - 1)
    frequency, rationale = frequency_for(
        importance, past, year, organisation.get_setting(session, "organisation.language")
    )
    if month_list and len(month_list) != frequency:
        raise ValidationError(
            "{dept} is to be audited {count} times in {year} ({rationale}); "
            "give {count} months, not {given}",
            dept=dept.code,
            count=frequency,
            year=year,
            rationale=rationale,
            given=len(month_list),
        )
    entry = session.exec(
        select(ProgrammeEntry)
        .where(ProgrammeEntry.programme_id == programme.id)
        .where(ProgrammeEntry.department_id == dept.id)
    ).first()
    old = _entry_json(entry) if entry else None
    if entry is None:
        entry = ProgrammeEntry(
            programme_id=pk(programme), department_id=pk(dept), importance="", frequency=0
        )
    entry.processes = json.dumps(codes)
    entry.clauses = json.dumps(clause_list)
    entry.importance = importance
    entry.frequency = frequency
    entry.months = json.dumps(month_list)
    entry.rationale = rationale
    session.add(entry)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="programme.entry",
        entity="audit_programme",
        entity_id=year,
        payload={"department": dept.code, "old": old, "new": _entry_json(entry)},
    )
    session.commit()
    return entry


def _entry_json(entry: ProgrammeEntry) -> dict[str, object]:
    return {
        "processes": json.loads(entry.processes),
        "clauses": json.loads(entry.clauses),
        "importance": entry.importance,
        "frequency": entry.frequency,
        "months": json.loads(entry.months),
        "rationale": entry.rationale,
    }


# --------------------------------------------------------------------------- coverage


@dataclass
class ClauseCoverage:
    clause: str
    title_vi: str
    title_en: str
    planned: bool = False
    audits: list[str] = field(default_factory=list)


@dataclass
class DepartmentCoverage:
    code: str
    name: str
    planned: bool = False
    frequency: int = 0
    audits: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    year: int
    objectives: str
    clauses: list[ClauseCoverage]
    departments: list[DepartmentCoverage]
    unreached_clauses: list[str]
    unreached_departments: list[str]


def coverage(session: Session, *, year: int, viewer: User | None = None) -> Coverage:
    """Per library clause and per department: whether the programme plans it and which of
    the year's audits (any state) reach it; and what no audit reaches. With ``viewer``,
    refused to anyone who may not see audits."""
    if viewer is not None:
        users.require_role(session, viewer, *READERS, action=Text("see the audit coverage"))
    library = checklists.load_library()
    programme = session.exec(select(AuditProgramme).where(AuditProgramme.year == year)).first()
    entries = (
        session.exec(
            select(ProgrammeEntry).where(ProgrammeEntry.programme_id == programme.id)
        ).all()
        if programme
        else []
    )
    clauses = {c.clause: ClauseCoverage(c.clause, c.title_vi, c.title_en) for c in library.clauses}
    depts = {
        d.id: DepartmentCoverage(d.code, d.name)
        for d in session.exec(select(Department).order_by(col(Department.code))).all()
    }
    for entry in entries:
        depts[entry.department_id].planned = True
        depts[entry.department_id].frequency = entry.frequency
        for prefix in json.loads(entry.clauses):
            for row in clauses.values():
                if checklists.within(row.clause, prefix):
                    row.planned = True
    audits = session.exec(select(Audit).where(Audit.year == year).order_by(col(Audit.number))).all()
    for audit in audits:
        label = f"{audit.ref} ({audit.status})"
        for dept_id in department_ids(session, audit):
            depts[dept_id].audits.append(label)
        prefixes = session.exec(
            select(AuditCriterion.clause)
            .where(AuditCriterion.audit_id == audit.id)
            .where(AuditCriterion.kind == "clause")
        ).all()
        for row in clauses.values():
            if any(checklists.within(row.clause, p) for p in prefixes):
                row.audits.append(label)
    clause_rows = list(clauses.values())
    dept_rows = list(depts.values())
    return Coverage(
        year=year,
        objectives=programme.objectives if programme else "",
        clauses=clause_rows,
        departments=dept_rows,
        unreached_clauses=[c.clause for c in clause_rows if not c.audits],
        unreached_departments=[d.code for d in dept_rows if not d.audits],
    )
