"""The JSON API for internal audits and corrective actions, under ``/api``: the same
sign-in, anti-forgery header and error shape as the documents API, the same services."""

import base64
import binascii
from datetime import date, datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from qms.errors import ValidationError
from qms.models import CorrectiveAction
from qms.services import (
    audit_reports,
    audit_views,
    audit_work,
    audits,
    capa,
    capa_actions,
    capa_records,
    capa_views,
)
from qms.web.deps import CurrentUser, Db
from qms.web.routes.records import download

router = APIRouter(tags=["audits and corrective actions"])


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
            raise ValidationError(f"{attachment.filename}: content_base64 is not base64") from None
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


# ------------------------------------------------------------------ corrective actions


class CapaSummaryOut(BaseModel):
    ref: str
    status: str
    source: str
    department: str
    severity: str
    description: str
    open_actions: int
    overdue_actions: int
    age_days: int


class WhyOut(BaseModel):
    question: str
    answer: str


class ActionOut(BaseModel):
    number: int
    description: str
    owner: str
    due_date: date
    status: str
    document_change: str
    done_note: str


class VerificationOut(BaseModel):
    verifier: str
    effective: bool
    evidence: str
    performed_at: datetime
    valid: bool


class CapaOut(BaseModel):
    ref: str
    status: str
    source: str
    finding: str
    department: str
    clause: str
    severity: str
    description: str
    reported_by: str
    containment: str
    cause_category: str
    root_cause: str
    similar_exist: str
    similar_answer: str
    whys: list[WhyOut]
    actions: list[ActionOut]
    verifications: list[VerificationOut]
    verification_due: date | None
    closure_problems: list[str]


class NewCapa(BaseModel):
    source: str | None = None
    finding: str | None = None
    description: str | None = None
    department: str | None = None
    clause: str | None = None
    severity: str | None = None


class Containment(BaseModel):
    containment: str


class Analysis(BaseModel):
    whys: list[WhyOut]
    cause_category: str
    root_cause: str
    similar_exist: str
    similar_answer: str


class NewAction(BaseModel):
    description: str
    owner: str
    due_date: date
    document: str | None = None


class Completion(BaseModel):
    note: str = ""


class Verification(BaseModel):
    effective: bool
    evidence: str
    password: str


def _readable(session: Session, user: CurrentUser, ref: str) -> CorrectiveAction:
    car = capa_records.get_capa(session, ref)
    capa_views.require_reader(session, user, car)
    return car


def _capa_out(session: Session, ref: str) -> CapaOut:
    info = capa_views.detail(session, ref=ref)
    car = info.record
    return CapaOut(
        ref=car.ref,
        status=car.status,
        source=car.source,
        finding=info.finding,
        department=info.department_code,
        clause=car.clause,
        severity=car.severity,
        description=car.description,
        reported_by=info.reported_by,
        containment=car.containment,
        cause_category=car.cause_category,
        root_cause=car.root_cause,
        similar_exist=car.similar_exist,
        similar_answer=car.similar_answer,
        whys=[WhyOut(question=w.question, answer=w.answer) for w in info.whys],
        actions=[
            ActionOut(
                number=v.action.number,
                description=v.action.description,
                owner=v.owner,
                due_date=v.action.due_date,
                status=v.action.status,
                document_change=v.document_change,
                done_note=v.action.done_note,
            )
            for v in info.actions
        ],
        verifications=[
            VerificationOut(
                verifier=v.verifier,
                effective=v.verification.effective,
                evidence=v.verification.evidence,
                performed_at=v.verification.performed_at,
                valid=v.valid,
            )
            for v in info.verifications
        ],
        verification_due=car.verification_due,
        closure_problems=info.closure_problems,
    )


@router.get("/capa", response_model=list[CapaSummaryOut])
def list_capa(
    session: Db,
    user: CurrentUser,
    status: str | None = None,
    department: str | None = None,
    year: int | None = None,
) -> list[CapaSummaryOut]:
    capa_views.require_reader(session, user)
    rows = capa_views.list_capas(session, status=status, department=department, year=year)
    return [
        CapaSummaryOut(
            ref=row.record.ref,
            status=row.record.status,
            source=row.record.source,
            department=row.department_code,
            severity=row.record.severity,
            description=row.record.description,
            open_actions=row.open_actions,
            overdue_actions=row.overdue_actions,
            age_days=row.age_days,
        )
        for row in rows
    ]


@router.post("/capa", response_model=CapaOut, status_code=201)
def open_capa(session: Db, user: CurrentUser, payload: NewCapa) -> CapaOut:
    car = capa.open_nonconformity(session, actor=user, **payload.model_dump())
    return _capa_out(session, car.ref)


@router.get("/capa/{ref}", response_model=CapaOut)
def get_capa(session: Db, user: CurrentUser, ref: str) -> CapaOut:
    return _capa_out(session, _readable(session, user, ref).ref)


@router.get("/capa/{ref}/record.pdf", response_class=Response)
def get_record_pdf(session: Db, user: CurrentUser, ref: str, lang: str | None = None) -> Response:
    car, data = capa_records.record_pdf(
        session, ref=_readable(session, user, ref).ref, language=lang
    )
    return download(data, f"{car.ref}.pdf")


@router.post("/capa/{ref}/contain", response_model=CapaOut)
def contain(session: Db, user: CurrentUser, ref: str, payload: Containment) -> CapaOut:
    car = capa.contain(session, actor=user, ref=ref, containment=payload.containment)
    return _capa_out(session, car.ref)


@router.post("/capa/{ref}/analyse", response_model=CapaOut)
def analyse(session: Db, user: CurrentUser, ref: str, payload: Analysis) -> CapaOut:
    car = capa.analyse(
        session,
        actor=user,
        ref=ref,
        whys=[(w.question, w.answer) for w in payload.whys],
        cause_category=payload.cause_category,
        root_cause=payload.root_cause,
        similar_exist=payload.similar_exist,
        similar_answer=payload.similar_answer,
    )
    return _capa_out(session, car.ref)


@router.post("/capa/{ref}/actions", response_model=CapaOut, status_code=201)
def add_action(session: Db, user: CurrentUser, ref: str, payload: NewAction) -> CapaOut:
    capa_actions.add_action(session, actor=user, ref=ref, **payload.model_dump())
    return _capa_out(session, ref)


@router.post("/capa/{ref}/plan", response_model=CapaOut)
def plan_capa(session: Db, user: CurrentUser, ref: str) -> CapaOut:
    car = capa.plan(session, actor=user, ref=ref)
    return _capa_out(session, car.ref)


@router.post("/capa/{ref}/actions/{number}/done", response_model=CapaOut)
def action_done(
    session: Db, user: CurrentUser, ref: str, number: int, payload: Completion
) -> CapaOut:
    capa_actions.complete_action(session, actor=user, ref=ref, number=number, note=payload.note)
    return _capa_out(session, ref)


@router.post("/capa/{ref}/verify", response_model=CapaOut)
def verify(session: Db, user: CurrentUser, ref: str, payload: Verification) -> CapaOut:
    capa_actions.verify(
        session,
        actor=user,
        ref=ref,
        effective=payload.effective,
        evidence=payload.evidence,
        password=payload.password,
    )
    return _capa_out(session, ref)


@router.post("/capa/{ref}/close", response_model=CapaOut)
def close_capa(session: Db, user: CurrentUser, ref: str) -> CapaOut:
    car = capa.close(session, actor=user, ref=ref)
    return _capa_out(session, car.ref)
