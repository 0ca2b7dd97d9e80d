"""The JSON API for internal audits: list, one audit, its checklist and findings, the
report PDF, and every step from planning to closure. Responses are the services' own
views, the same the command line prints with ``--format json``."""

import base64
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from qms.errors import ValidationError
from qms.services.audits import checklist_pages
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.audits.views import AuditDetail, AuditSummary, FindingView, ItemView
from qms.web.deps import CurrentUser, Db, Limits
from qms.web.errors import API_ERRORS
from qms.web.routes.api_params import PageNumber, PerPage, WholeNumber, YearFilter
from qms.web.routes.responses import PDF_RESPONSE, download, page_headers

router = APIRouter(tags=["audits"], responses=API_ERRORS)


class NewAudit(BaseModel):
    departments: list[str]
    clauses: list[str] = []
    procedures: list[str] = []
    lead: str
    team: list[str] = []
    auditee_rep: str | None = None
    planned_start: date
    planned_end: date
    objectives: str
    type: str = "internal"
    follows: str | None = None


class AttachmentIn(BaseModel):
    filename: str
    content_base64: str


class ItemResult(BaseModel):
    result: str
    evidence: str = ""
    finding: str | None = None
    department: str | None = None
    attachments: list[AttachmentIn] = []


def _decoded(attachments: list[AttachmentIn]) -> list[tuple[str, bytes]]:
    files = []
    for attachment in attachments:
        try:
            data = base64.b64decode(attachment.content_base64, validate=True)
        except ValueError:  # binascii.Error, or characters outside ASCII
            raise ValidationError(
                "{filename}: content_base64 is not base64", filename=attachment.filename
            ) from None
        files.append((attachment.filename, data))
    return files


class Password(BaseModel):
    password: str


class Reason(BaseModel):
    reason: str


class Member(BaseModel):
    username: str


class Conclusions(BaseModel):
    conclusions: str
    distribution: list[str] | None = None


@router.get("/audits", response_model=list[AuditSummary])
def list_audits(
    session: Db, user: CurrentUser, year: YearFilter = None, status: str | None = None
) -> list[AuditSummary]:
    return audit_views.list_audits(session, viewer=user, year=year, status=status)


@router.post("/audits", response_model=AuditDetail, status_code=201)
def plan_audit(session: Db, user: CurrentUser, payload: NewAudit) -> AuditDetail:
    audit = audits.plan(
        session,
        actor=user,
        departments=payload.departments,
        clauses=payload.clauses,
        procedures=payload.procedures,
        lead=payload.lead,
        team=payload.team,
        auditee_rep=payload.auditee_rep,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        objectives=payload.objectives,
        audit_type=payload.type,
        follows=payload.follows,
    )
    return audit_views.detail(session, viewer=user, ref=audit.ref)


@router.get("/audits/{ref}", response_model=AuditDetail)
def get_audit(session: Db, user: CurrentUser, ref: str, verify: bool = False) -> AuditDetail:
    """One audit; ``verify`` hashes its record now and judges the signatures against it
    (otherwise a reported record's hash is the one signed when it was reported)."""
    return audit_views.detail(session, viewer=user, ref=ref, verify=verify)


@router.get("/audits/{ref}/checklist", response_model=list[ItemView])
def get_checklist(
    request: Request,
    response: Response,
    session: Db,
    user: CurrentUser,
    ref: str,
    show: str = "all",
    clause: str | None = None,
    page: PageNumber = 1,
    per_page: PerPage = checklist_pages.PAGE_SIZE,
) -> list[ItemView]:
    """The checklist a page at a time in item order: all items, those still to answer
    (``show=unanswered``) or the nonconforming ones, of one clause or all;
    ``X-Total-Count`` and ``Link`` say how many match and where the next page is."""
    found = checklist_pages.checklist_page(
        session, viewer=user, ref=ref, show=show, clause=clause, page=page, per_page=per_page
    )
    page_headers(request, response, found)
    return found.items


@router.get("/audits/{ref}/findings", response_model=list[FindingView])
def get_findings(session: Db, user: CurrentUser, ref: str) -> list[FindingView]:
    return audit_views.findings(session, viewer=user, ref=ref)


@router.get("/audits/{ref}/report.pdf", response_class=Response, responses=PDF_RESPONSE)
def get_report_pdf(session: Db, user: CurrentUser, ref: str, lang: str | None = None) -> Response:
    audit, data = audit_reports.report_pdf(session, viewer=user, ref=ref, language=lang)
    return download(data, f"{audit.ref}_report.pdf")


@router.post("/audits/{ref}/assign", response_model=AuditDetail)
def assign(session: Db, user: CurrentUser, ref: str, payload: Member) -> AuditDetail:
    audit = audits.assign(session, actor=user, ref=ref, username=payload.username)
    return audit_views.detail(session, viewer=user, ref=audit.ref)


@router.post("/audits/{ref}/start", response_model=AuditDetail)
def start(session: Db, user: CurrentUser, ref: str) -> AuditDetail:
    audit = audits.start(session, actor=user, ref=ref)
    return audit_views.detail(session, viewer=user, ref=audit.ref)


@router.post("/audits/{ref}/items/{number}", response_model=ItemView)
def record_item(
    session: Db, user: CurrentUser, ref: str, number: WholeNumber, payload: ItemResult
) -> ItemView:
    audit_work.record(
        session,
        actor=user,
        ref=ref,
        item=number,
        result=payload.result,
        evidence=payload.evidence,
        finding=payload.finding,
        department=payload.department,
        attachments=_decoded(payload.attachments),
    )
    sheet = audit_views.worksheet(session, viewer=user, ref=ref, only=number)
    return sheet.items[0]


@router.post("/audits/{ref}/conclude", response_model=AuditDetail)
def conclude(session: Db, user: CurrentUser, ref: str, payload: Conclusions) -> AuditDetail:
    audit = audits.conclude(
        session,
        actor=user,
        ref=ref,
        conclusions=payload.conclusions,
        distribution=payload.distribution,
    )
    return audit_views.detail(session, viewer=user, ref=audit.ref)


@router.post("/audits/{ref}/report", response_model=AuditDetail)
def report(
    session: Db, user: CurrentUser, limits: Limits, ref: str, payload: Password
) -> AuditDetail:
    audit = audit_reports.report(
        session, actor=user, ref=ref, password=payload.password, limits=limits
    )
    return audit_views.detail(session, viewer=user, ref=audit.ref)


@router.post("/audits/{ref}/sign", response_model=AuditDetail)
def sign(
    session: Db, user: CurrentUser, limits: Limits, ref: str, payload: Password
) -> AuditDetail:
    audit = audit_reports.sign(
        session, actor=user, ref=ref, password=payload.password, limits=limits
    )
    return audit_views.detail(session, viewer=user, ref=audit.ref)


@router.post("/audits/{ref}/reopen", response_model=AuditDetail)
def reopen(session: Db, user: CurrentUser, ref: str, payload: Reason) -> AuditDetail:
    audit = audit_reports.reopen(session, actor=user, ref=ref, reason=payload.reason)
    return audit_views.detail(session, viewer=user, ref=audit.ref)


@router.post("/audits/{ref}/close", response_model=AuditDetail)
def close_audit(session: Db, user: CurrentUser, ref: str) -> AuditDetail:
    audit = audit_reports.close(session, actor=user, ref=ref)
    return audit_views.detail(session, viewer=user, ref=audit.ref)
