"""Internal audit pages: the list, the programme and its coverage, planning, one audit
with the steps the services say its viewer may take, and the report PDF. The checklist and findings pages
are in ``audit_checklist``."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from qms.domain import AuditStatus, AuditType, Role
from qms.errors import ValidationError
from qms.models import User
from qms.services.audits import checklists
from qms.services.audits import planning as audits
from qms.services.audits import programme as audit_programme
from qms.services.audits import reports as audit_reports
from qms.services.audits import steps as audit_steps
from qms.services.audits import views as audit_views
from qms.services.audits.steps import AuditStep
from qms.services.capa import steps as capa_steps
from qms.services.people import organisation, users
from qms.web.deps import CurrentUser, Db, Limits, Roles
from qms.web.errors import N_
from qms.web.i18n import request_language
from qms.web.pages import render
from qms.web.routes.form_fields import split_list, year_or_none
from qms.web.routes.responses import audit_url, done, download

router = APIRouter()

STATUSES = list(AuditStatus)
# The audit vocabulary the templates compare with (members, not strings).
AUDIT_ENUMS = {"AuditStatus": AuditStatus, "AuditType": AuditType, "AuditStep": AuditStep}


@router.get("/audits")
def audit_list(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: str = "",
    status: str = "",
) -> Response:
    rows = audit_views.list_audits(
        session, viewer=user, year=year_or_none(year), status=status or None
    )
    context = {
        **AUDIT_ENUMS,
        "rows": rows,
        "filters": {"year": year, "status": status},
        "statuses": STATUSES,
        "can_plan": audit_steps.may_plan(session, user),
    }
    return render(request, "audits/list.html", context)


def _people(session: Session, role: Role) -> list[User]:
    return [u for u, r in users.list_users(session) if role in r and u.active]


@router.get("/audits/programme")
def programme_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: str = "",
) -> Response:
    shown = year_or_none(year) or organisation.today(session).year
    result = audit_programme.coverage(session, year=shown, viewer=user)
    context = {
        "coverage": result,
        "year": shown,
        "can_plan": audit_steps.may_plan(session, user),
        "departments": users.list_departments(session),
    }
    return render(request, "audits/programme.html", context)


@router.post("/audits/programme")
def set_programme(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Annotated[int, Form()],
    objectives: Annotated[str, Form()],
) -> Response:
    audit_programme.set_programme(session, actor=user, year=year, objectives=objectives)
    return done(request, f"/audits/programme?year={year}", N_("The audit programme is saved."))


@router.post("/audits/programme/entry")
def set_programme_entry(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Annotated[int, Form()],
    department: Annotated[str, Form()],
    importance: Annotated[str, Form()],
    processes: Annotated[str, Form()] = "",
    clauses: Annotated[str, Form()] = "",
    months: Annotated[str, Form()] = "",
) -> Response:
    month_numbers = []
    for part in split_list(months):
        if not part.isdigit():
            raise ValidationError("{value!r} is not a month number (1-12)", value=part)
        month_numbers.append(int(part))
    audit_programme.set_entry(
        session,
        actor=user,
        year=year,
        department=department,
        processes=split_list(processes),
        clauses=split_list(clauses),
        importance=importance,
        months=month_numbers or None,
    )
    return done(request, f"/audits/programme?year={year}", N_("The programme line is saved."))


@router.get("/audits/grades")
def grades_page(request: Request, session: Db, user: CurrentUser) -> Response:
    """The grade scale new audits freeze when they start; admins and controllers edit it."""
    scale = audit_views.grade_scale(session, viewer=user)
    context = {
        "grades": scale,
        "grades_json": checklists.dump_grades(scale),
        "can_edit": audit_steps.may_set_grades(session, user),
    }
    return render(request, "audits/grades.html", context)


@router.post("/audits/grades")
def set_grades(
    request: Request, session: Db, user: CurrentUser, grades_json: Annotated[str, Form()]
) -> Response:
    checklists.set_grades(session, actor=user, grades_json=grades_json)
    return done(request, "/audits/grades", N_("The grade scale is saved."))


@router.get("/audits/new")
def plan_form(request: Request, session: Db, user: CurrentUser) -> Response:
    audit_steps.check_plan(session, user)
    active = [(u, r) for u, r in users.list_users(session) if u.active]
    context = {
        "departments": users.list_departments(session),
        "auditors": [u for u, r in active if Role.AUDITOR in r],
        "people": [u for u, _r in active],
    }
    return render(request, "audits/plan.html", context)


@router.post("/audits/new")
def plan(
    request: Request,
    session: Db,
    user: CurrentUser,
    lead: Annotated[str, Form()],
    planned_start: Annotated[date, Form()],
    planned_end: Annotated[date, Form()],
    objectives: Annotated[str, Form()],
    departments: Annotated[list[str], Form()],
    clauses: Annotated[str, Form()] = "",
    procedures: Annotated[str, Form()] = "",
    team: Annotated[list[str] | None, Form()] = None,
    auditee_rep: Annotated[str, Form()] = "",
    audit_type: Annotated[str, Form()] = "internal",
    follows: Annotated[str, Form()] = "",
) -> Response:
    created = audits.plan(
        session,
        actor=user,
        departments=departments,
        clauses=split_list(clauses),
        procedures=split_list(procedures),
        lead=lead,
        team=[name for name in team or [] if name],  # the service leaves the lead out
        auditee_rep=auditee_rep or None,
        planned_start=planned_start,
        planned_end=planned_end,
        objectives=objectives,
        audit_type=audit_type,
        follows=follows or None,
    )
    return done(request, audit_url(created.ref), N_("The audit is planned."))


@router.get("/audits/{ref}")
def audit_page(
    request: Request, session: Db, user: CurrentUser, roles: Roles, ref: str, verify: bool = False
) -> Response:
    """One audit; ``verify`` hashes its record now and judges the signatures against it."""
    info = audit_views.detail(session, viewer=user, ref=ref, verify=verify)
    on_team = {m.username for m in info.team}
    context = {
        **AUDIT_ENUMS,
        "info": info,
        "audit": info,
        "department_names": {d.code: d.name for d in users.list_departments(session)},
        "steps": info.steps,
        "candidates": [u for u in _people(session, Role.AUDITOR) if u.username not in on_team]
        if AuditStep.ASSIGN in info.steps
        else [],
        "can_raise": capa_steps.may_raise_from_finding(session, user),
        "lang": request_language(request),
    }
    return render(request, "audits/audit.html", context)


@router.post("/audits/{ref}/assign")
def assign(
    request: Request, session: Db, user: CurrentUser, ref: str, username: Annotated[str, Form()]
) -> Response:
    audit = audits.assign(session, actor=user, ref=ref, username=username)
    return done(request, audit_url(audit.ref), N_("The auditor is on the team."))


@router.post("/audits/{ref}/start")
def start(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    audit = audits.start(session, actor=user, ref=ref)
    return done(request, audit_url(audit.ref) + "/checklist", N_("The audit has started."))


@router.post("/audits/{ref}/conclude")
def conclude(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    conclusions: Annotated[str, Form()],
    distribution: Annotated[str, Form()] = "",
) -> Response:
    audit = audits.conclude(
        session,
        actor=user,
        ref=ref,
        conclusions=conclusions,
        distribution=distribution.splitlines() if distribution.strip() else None,
    )
    return done(request, audit_url(audit.ref), N_("The conclusions are saved."))


@router.post("/audits/{ref}/report")
def report(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    ref: str,
    password: Annotated[str, Form()],
) -> Response:
    audit = audit_reports.report(session, actor=user, ref=ref, password=password, limits=limits)
    return done(request, audit_url(audit.ref), N_("The audit is reported and signed."))


@router.post("/audits/{ref}/sign")
def sign(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    ref: str,
    password: Annotated[str, Form()],
) -> Response:
    audit = audit_reports.sign(session, actor=user, ref=ref, password=password, limits=limits)
    return done(request, audit_url(audit.ref), N_("You have signed the audit report."))


@router.post("/audits/{ref}/reopen")
def reopen(
    request: Request, session: Db, user: CurrentUser, ref: str, reason: Annotated[str, Form()]
) -> Response:
    audit = audit_reports.reopen(session, actor=user, ref=ref, reason=reason)
    return done(request, audit_url(audit.ref), N_("The audit is reopened."))


@router.post("/audits/{ref}/close")
def close(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    audit = audit_reports.close(session, actor=user, ref=ref)
    return done(request, audit_url(audit.ref), N_("The audit is closed."))


@router.get("/audits/{ref}/report.pdf")
def report_pdf(
    request: Request, session: Db, user: CurrentUser, ref: str, lang: str = ""
) -> Response:
    audit, data = audit_reports.report_pdf(session, viewer=user, ref=ref, language=lang or None)
    return download(data, f"{audit.ref}_report.pdf")
