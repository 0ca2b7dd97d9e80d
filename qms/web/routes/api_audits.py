"""The JSON API for internal audits: list, one audit, its checklist and findings, the
report PDF, and every step from planning to closure."""

import base64
import binascii
from datetime import date, datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from qms.errors import ValidationError
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.web.deps import CurrentUser, Db
from qms.web.routes.responses import download

router = APIRouter(tags=["audits"])


class AuditSummaryOut(BaseModel):
    ref: str
    year: int
    type: str
    status: str
    departments: list[str]
    lead: str
    planned_start: date
    planned_end: date
    items: int
    answered: int
    findings: int


class FindingOut(BaseModel):
    label: str
    number: int
    item: int
    grade: str
    clause: str
    department: str
    statement: str
    evidence: str
    capa: str | None


class AuditSignatureOut(BaseModel):
    username: str
    printed_name: str
    meaning: str
    signed_at: datetime
    valid: bool


class AuditOut(BaseModel):
    ref: str
    type: str
    status: str
    objectives: str
    planned_start: date
    planned_end: date
    departments: list[str]
    team: dict[str, str]
    auditee_rep: str | None
    clauses: list[str]
    procedures: list[str]
    grades: list[str]
    items: int
    answered: int
    counts: dict[str, int]
    conclusions: str
    findings: list[FindingOut]
    signatures: list[AuditSignatureOut]
    content_hash: str


class ItemOut(BaseModel):
    number: int
    source: str
    clause: str
    question_vi: str
    question_en: str
    department: str
    result: str | None
    evidence: str
    attachments: list[dict[str, str]]
    recorded_by: str
    recorded_at: datetime | None


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
        except binascii.Error:
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


def _audit_out(session: Session, user: CurrentUser, ref: str) -> AuditOut:
    info = audit_views.detail(session, viewer=user, ref=ref)
    audit = info.audit
    return AuditOut(
        ref=audit.ref,
        type=audit.audit_type,
        status=audit.status,
        objectives=audit.objectives,
        planned_start=audit.planned_start,
        planned_end=audit.planned_end,
        departments=[d.code for d in info.departments],
        team={u.username: role for u, role in info.team},
        auditee_rep=info.auditee_rep.username if info.auditee_rep else None,
        clauses=info.clauses,
        procedures=info.procedures,
        grades=info.grades,
        items=info.items,
        answered=info.answered,
        counts=info.counts,
        conclusions=audit.conclusions,
        findings=[FindingOut(**vars(f)) for f in info.findings],
        signatures=[
            AuditSignatureOut(
                username=s.username,
                printed_name=s.signature.printed_name,
                meaning=s.signature.meaning,
                signed_at=s.signature.signed_at,
                valid=s.valid,
            )
            for s in info.signatures
        ],
        content_hash=info.content_hash,
    )


@router.get("/audits", response_model=list[AuditSummaryOut])
def list_audits(
    session: Db, user: CurrentUser, year: int | None = None, status: str | None = None
) -> list[AuditSummaryOut]:
    rows = audit_views.list_audits(session, viewer=user, year=year, status=status)
    return [AuditSummaryOut(**{**vars(row), "type": row.audit_type}) for row in rows]


@router.post("/audits", response_model=AuditOut, status_code=201)
def plan_audit(session: Db, user: CurrentUser, payload: NewAudit) -> AuditOut:
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
    return _audit_out(session, user, audit.ref)


@router.get("/audits/{ref}", response_model=AuditOut)
def get_audit(session: Db, user: CurrentUser, ref: str) -> AuditOut:
    return _audit_out(session, user, ref)


@router.get("/audits/{ref}/checklist", response_model=list[ItemOut])
def get_checklist(session: Db, user: CurrentUser, ref: str) -> list[ItemOut]:
    _audit, items = audit_views.checklist(session, viewer=user, ref=ref)
    return [
        ItemOut(**{k: v for k, v in vars(item).items() if k != "clause_2008"}) for item in items
    ]


@router.get("/audits/{ref}/findings", response_model=list[FindingOut])
def get_findings(session: Db, user: CurrentUser, ref: str) -> list[FindingOut]:
    return [FindingOut(**vars(f)) for f in audit_views.findings(session, viewer=user, ref=ref)]


@router.get("/audits/{ref}/report.pdf", response_class=Response)
def get_report_pdf(session: Db, user: CurrentUser, ref: str, lang: str | None = None) -> Response:
    audit, data = audit_reports.report_pdf(session, viewer=user, ref=ref, language=lang)
    return download(data, f"{audit.ref}_report.pdf")


@router.post("/audits/{ref}/assign", response_model=AuditOut)
def assign(session: Db, user: CurrentUser, ref: str, payload: Member) -> AuditOut:
    audit = audits.assign(session, actor=user, ref=ref, username=payload.username)
    return _audit_out(session, user, audit.ref)


@router.post("/audits/{ref}/start", response_model=AuditOut)
def start(session: Db, user: CurrentUser, ref: str) -> AuditOut:
    audit = audits.start(session, actor=user, ref=ref)
    return _audit_out(session, user, audit.ref)


@router.post("/audits/{ref}/items/{number}", response_model=ItemOut)
def record_item(
    session: Db, user: CurrentUser, ref: str, number: int, payload: ItemResult
) -> ItemOut:
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
    items = get_checklist(session, user, ref)
    return next(item for item in items if item.number == number)


@router.post("/audits/{ref}/conclude", response_model=AuditOut)
def conclude(session: Db, user: CurrentUser, ref: str, payload: Conclusions) -> AuditOut:
    audit = audits.conclude(
        session,
        actor=user,
        ref=ref,
        conclusions=payload.conclusions,
        distribution=payload.distribution,
    )
    return _audit_out(session, user, audit.ref)


@router.post("/audits/{ref}/report", response_model=AuditOut)
def report(session: Db, user: CurrentUser, ref: str, payload: Password) -> AuditOut:
    audit = audit_reports.report(session, actor=user, ref=ref, password=payload.password)
    return _audit_out(session, user, audit.ref)


@router.post("/audits/{ref}/sign", response_model=AuditOut)
def sign(session: Db, user: CurrentUser, ref: str, payload: Password) -> AuditOut:
    audit = audit_reports.sign(session, actor=user, ref=ref, password=payload.password)
    return _audit_out(session, user, audit.ref)


@router.post("/audits/{ref}/reopen", response_model=AuditOut)
def reopen(session: Db, user: CurrentUser, ref: str, payload: Reason) -> AuditOut:
    audit = audit_reports.reopen(session, actor=user, ref=ref, reason=payload.reason)
    return _audit_out(session, user, audit.ref)


@router.post("/audits/{ref}/close", response_model=AuditOut)
def close_audit(session: Db, user: CurrentUser, ref: str) -> AuditOut:
    audit = audit_reports.close(session, actor=user, ref=ref)
    return _audit_out(session, user, audit.ref)
