"""The JSON API for corrective actions: the register, one record, its PDF, and every
step from the nonconformity to closure."""

from datetime import date, datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from qms.models import User
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa
from qms.services.capa import records as capa_records
from qms.services.capa import views as capa_views
from qms.web.deps import CurrentUser, Db
from qms.web.routes.responses import download

router = APIRouter(tags=["corrective actions"])


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
    overdue: bool
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


def _capa_out(session: Session, user: User, ref: str) -> CapaOut:
    """The record as ``user`` may read it (the services refuse anyone else)."""
    info = capa_views.detail(session, viewer=user, ref=ref)
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
                overdue=v.overdue,
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
        closure_problems=[str(problem) for problem in info.closure_problems],
    )


@router.get("/capa", response_model=list[CapaSummaryOut])
def list_capa(
    session: Db,
    user: CurrentUser,
    status: str | None = None,
    department: str | None = None,
    year: int | None = None,
) -> list[CapaSummaryOut]:
    rows = capa_views.list_capas(
        session, viewer=user, status=status, department=department, year=year
    )
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
    return _capa_out(session, user, car.ref)


@router.get("/capa/{ref}", response_model=CapaOut)
def get_capa(session: Db, user: CurrentUser, ref: str) -> CapaOut:
    return _capa_out(session, user, ref)


@router.get("/capa/{ref}/record.pdf", response_class=Response)
def get_record_pdf(session: Db, user: CurrentUser, ref: str, lang: str | None = None) -> Response:
    car, data = capa_records.record_pdf(session, viewer=user, ref=ref, language=lang)
    return download(data, f"{car.ref}.pdf")


@router.post("/capa/{ref}/contain", response_model=CapaOut)
def contain(session: Db, user: CurrentUser, ref: str, payload: Containment) -> CapaOut:
    car = capa.contain(session, actor=user, ref=ref, containment=payload.containment)
    return _capa_out(session, user, car.ref)


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
    return _capa_out(session, user, car.ref)


@router.post("/capa/{ref}/actions", response_model=CapaOut, status_code=201)
def add_action(session: Db, user: CurrentUser, ref: str, payload: NewAction) -> CapaOut:
    capa_actions.add_action(session, actor=user, ref=ref, **payload.model_dump())
    return _capa_out(session, user, ref)


@router.post("/capa/{ref}/plan", response_model=CapaOut)
def plan_capa(session: Db, user: CurrentUser, ref: str) -> CapaOut:
    car = capa.plan(session, actor=user, ref=ref)
    return _capa_out(session, user, car.ref)


@router.post("/capa/{ref}/actions/{number}/done", response_model=CapaOut)
def action_done(
    session: Db, user: CurrentUser, ref: str, number: int, payload: Completion
) -> CapaOut:
    capa_actions.complete_action(session, actor=user, ref=ref, number=number, note=payload.note)
    return _capa_out(session, user, ref)


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
    return _capa_out(session, user, ref)


@router.post("/capa/{ref}/close", response_model=CapaOut)
def close_capa(session: Db, user: CurrentUser, ref: str) -> CapaOut:
    car = capa.close(session, actor=user, ref=ref)
    return _capa_out(session, user, car.ref)
