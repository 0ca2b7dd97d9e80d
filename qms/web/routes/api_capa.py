"""The JSON API for corrective actions: the register, one record, its PDF, and every
step from the nonconformity to closure. Responses are the services' own views (the same
shapes ``qms capa list|show --format json`` prints); request bodies are models here."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from qms.models import User
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa
from qms.services.capa import records as capa_records
from qms.services.capa import views as capa_views
from qms.services.capa.views import CapaDetail, CapaSummary
from qms.web.deps import CurrentUser, Db, Limits
from qms.web.errors import API_ERRORS
from qms.web.routes.api_params import PageNumber, PerPage, WholeNumber, YearFilter
from qms.web.routes.responses import PDF_RESPONSE, download, page_headers

router = APIRouter(tags=["corrective actions"], responses=API_ERRORS)


class WhyIn(BaseModel):
    question: str
    answer: str


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
    whys: list[WhyIn]
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


def _capa_out(session: Session, user: User, ref: str) -> CapaDetail:
    """The record as ``user`` may read it (the services refuse anyone else)."""
    return capa_views.detail(session, viewer=user, ref=ref)


@router.get("/capa", response_model=list[CapaSummary])
def list_capa(
    request: Request,
    response: Response,
    session: Db,
    user: CurrentUser,
    status: str | None = None,
    department: str | None = None,
    year: YearFilter = None,
    page: PageNumber = 1,
    per_page: PerPage = capa_views.PAGE_SIZE,
) -> list[CapaSummary]:
    """The register a page at a time, oldest first (the rows of ``qms capa list --format
    json``); ``X-Total-Count`` and ``Link`` say how many match and where the next page is."""
    found = capa_views.capa_page(
        session,
        viewer=user,
        status=status,
        department=department,
        year=year,
        page=page,
        per_page=per_page,
    )
    page_headers(request, response, found)
    return found.rows


@router.post("/capa", response_model=CapaDetail, status_code=201)
def open_capa(session: Db, user: CurrentUser, payload: NewCapa) -> CapaDetail:
    car = capa.open_nonconformity(session, actor=user, **payload.model_dump())
    return _capa_out(session, user, car.ref)


@router.get("/capa/{ref}", response_model=CapaDetail)
def get_capa(session: Db, user: CurrentUser, ref: str) -> CapaDetail:
    return _capa_out(session, user, ref)


@router.get("/capa/{ref}/record.pdf", response_class=Response, responses=PDF_RESPONSE)
def get_record_pdf(session: Db, user: CurrentUser, ref: str, lang: str | None = None) -> Response:
    car, data = capa_records.record_pdf(session, viewer=user, ref=ref, language=lang)
    return download(data, f"{car.ref}.pdf")


@router.post("/capa/{ref}/contain", response_model=CapaDetail)
def contain(session: Db, user: CurrentUser, ref: str, payload: Containment) -> CapaDetail:
    car = capa.contain(session, actor=user, ref=ref, containment=payload.containment)
    return _capa_out(session, user, car.ref)


@router.post("/capa/{ref}/analyse", response_model=CapaDetail)
def analyse(session: Db, user: CurrentUser, ref: str, payload: Analysis) -> CapaDetail:
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


@router.post("/capa/{ref}/actions", response_model=CapaDetail, status_code=201)
def add_action(session: Db, user: CurrentUser, ref: str, payload: NewAction) -> CapaDetail:
    capa_actions.add_action(session, actor=user, ref=ref, **payload.model_dump())
    return _capa_out(session, user, ref)


@router.post("/capa/{ref}/plan", response_model=CapaDetail)
def plan_capa(session: Db, user: CurrentUser, ref: str) -> CapaDetail:
    car = capa.plan(session, actor=user, ref=ref)
    return _capa_out(session, user, car.ref)


@router.post("/capa/{ref}/actions/{number}/done", response_model=CapaDetail)
def action_done(
    session: Db, user: CurrentUser, ref: str, number: WholeNumber, payload: Completion
) -> CapaDetail:
    capa_actions.complete_action(session, actor=user, ref=ref, number=number, note=payload.note)
    return _capa_out(session, user, ref)


@router.post("/capa/{ref}/verify", response_model=CapaDetail)
def verify(
    session: Db, user: CurrentUser, limits: Limits, ref: str, payload: Verification
) -> CapaDetail:
    capa_actions.verify(
        session,
        actor=user,
        ref=ref,
        effective=payload.effective,
        evidence=payload.evidence,
        password=payload.password,
        limits=limits,
    )
    return _capa_out(session, user, ref)


@router.post("/capa/{ref}/close", response_model=CapaDetail)
def close_capa(session: Db, user: CurrentUser, ref: str) -> CapaDetail:
    car = capa.close(session, actor=user, ref=ref)
    return _capa_out(session, user, car.ref)
