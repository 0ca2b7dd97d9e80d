"""Corrective-action pages: the register, opening a record (from an audit finding or
another source), one record with every step its people may take, what is overdue, and the
record and register PDFs."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from qms.domain import SEVERITIES, SIMILAR_ANSWERS, CapaSource, CapaStatus, CauseCategory
from qms.errors import ValidationError
from qms.i18n import translate_all
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa
from qms.services.capa import records as capa_records
from qms.services.capa import steps as capa_steps
from qms.services.capa import views as capa_views
from qms.services.people import users
from qms.web.deps import CurrentUser, Db, Limits
from qms.web.errors import N_
from qms.web.i18n import request_language
from qms.web.pages import render
from qms.web.routes.form_fields import year_or_none
from qms.web.routes.responses import capa_url, done, download

router = APIRouter()

STATUSES = [s.value for s in CapaStatus]
MAX_WHYS = capa.MAX_WHYS


def labels(language: str) -> dict[str, dict[str, str]]:
    """Source, severity, cause and similar-check labels in the page's language (the same
    words the record PDF prints)."""
    return {
        "source": translate_all(capa_records.SOURCE_LABELS, language),
        "severity": translate_all(capa_records.SEVERITY_LABELS, language),
        "cause": translate_all(capa_records.CAUSE_LABELS, language),
        "similar": translate_all(capa_records.SIMILAR_LABELS, language),
    }


@router.get("/capa")
def capa_list(
    request: Request,
    session: Db,
    user: CurrentUser,
    status: str = "",
    dept: str = "",
    year: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    result = capa_views.capa_page(
        session,
        viewer=user,
        status=status or None,
        department=dept or None,
        year=year_or_none(year),
        page=page,
    )
    context = {
        "result": result,
        "rows": result.rows,
        "filters": {"status": status, "dept": dept, "year": year},
        "statuses": STATUSES,
        "departments": users.list_departments(session),
        "labels": labels(request_language(request)),
    }
    return render(request, "capa/list.html", context)


@router.get("/capa/overdue")
def overdue_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    owner: str = "",
    dept: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    vpage: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Overdue actions and late verifications, each list a page at a time (``page`` and
    ``vpage``)."""
    report = capa_actions.overdue_page(
        session,
        viewer=user,
        owner=owner or None,
        department=dept or None,
        page=page,
        verifications_page=vpage,
    )
    context = {"report": report, "filters": {"owner": owner, "dept": dept}}
    return render(request, "capa/overdue.html", context)


@router.get("/capa/register.pdf")
def register_pdf(request: Request, session: Db, user: CurrentUser, lang: str = "") -> Response:
    data = capa_records.register_pdf(
        session, viewer=user, language=lang or request_language(request)
    )
    return download(data, "capa-register.pdf")


@router.get("/capa/new")
def open_form(request: Request, session: Db, user: CurrentUser, finding: str = "") -> Response:
    context = {
        "finding": finding,
        "sources": [s.value for s in CapaSource],
        "severities": SEVERITIES,
        "departments": users.list_departments(session),
        "labels": labels(request_language(request)),
    }
    return render(request, "capa/open.html", context)


@router.post("/capa/new")
def open_record(
    request: Request,
    session: Db,
    user: CurrentUser,
    source: Annotated[str, Form()] = "",
    finding: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    clause: Annotated[str, Form()] = "",
    severity: Annotated[str, Form()] = "",
) -> Response:
    car = capa.open_nonconformity(
        session,
        actor=user,
        source=source or None,
        finding=finding or None,
        description=description or None,
        department=department or None,
        clause=clause or None,
        severity=severity or None,
    )
    return done(request, capa_url(car.ref), N_("The nonconformity is recorded."))


@router.get("/capa/{ref}")
def record_page(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    """The record with the forms of the steps the service says ``user`` may take."""
    info = capa_views.detail(session, viewer=user, ref=ref)
    context = {
        "info": info,
        "labels": labels(request_language(request)),
        "causes": [c.value for c in CauseCategory],
        "similar_answers": SIMILAR_ANSWERS,
        "max_whys": MAX_WHYS,
        "people": [u for u, _r in users.list_users(session) if u.active]
        if capa_steps.ADD_ACTION in info.steps
        else [],
        "closure_problems": capa_views.closure_phrases(session, ref=info.ref),
    }
    return render(request, "capa/record.html", context)


@router.get("/capa/{ref}/record.pdf")
def record_pdf(
    request: Request, session: Db, user: CurrentUser, ref: str, lang: str = ""
) -> Response:
    found, data = capa_records.record_pdf(session, viewer=user, ref=ref, language=lang or None)
    return download(data, f"{found.ref}.pdf")


@router.post("/capa/{ref}/contain")
def contain(
    request: Request, session: Db, user: CurrentUser, ref: str, containment: Annotated[str, Form()]
) -> Response:
    car = capa.contain(session, actor=user, ref=ref, containment=containment)
    return done(request, capa_url(car.ref), N_("The correction is recorded."))


@router.post("/capa/{ref}/analyse")
def analyse(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    cause_category: Annotated[str, Form()],
    root_cause: Annotated[str, Form()],
    similar_exist: Annotated[str, Form()],
    similar_answer: Annotated[str, Form()],
    why_question: Annotated[list[str] | None, Form()] = None,
    why_answer: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """The 5-whys rows come as parallel lists; fully empty rows are left out."""
    questions, answers = why_question or [], why_answer or []
    whys = [
        (question, answer)
        for question, answer in zip(questions, answers, strict=False)
        if question.strip() or answer.strip()
    ]
    car = capa.analyse(
        session,
        actor=user,
        ref=ref,
        whys=whys,
        cause_category=cause_category,
        root_cause=root_cause,
        similar_exist=similar_exist,
        similar_answer=similar_answer,
    )
    return done(request, capa_url(car.ref), N_("The cause analysis is recorded."))


@router.post("/capa/{ref}/actions")
def add_action(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    description: Annotated[str, Form()],
    owner: Annotated[str, Form()],
    due_date: Annotated[date, Form()],
    document: Annotated[str, Form()] = "",
) -> Response:
    capa_actions.add_action(
        session,
        actor=user,
        ref=ref,
        description=description,
        owner=owner,
        due_date=due_date,
        document=document or None,
    )
    return done(request, capa_url(capa_records.normalise_ref(ref)), N_("The action is added."))


@router.post("/capa/{ref}/plan")
def plan(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    car = capa.plan(session, actor=user, ref=ref)
    return done(request, capa_url(car.ref), N_("The action plan is confirmed."))


@router.post("/capa/{ref}/actions/{number}/done")
def action_done(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    number: int,
    note: Annotated[str, Form()] = "",
) -> Response:
    capa_actions.complete_action(session, actor=user, ref=ref, number=number, note=note)
    return done(request, capa_url(capa_records.normalise_ref(ref)), N_("The action is done."))


@router.post("/capa/{ref}/verify")
def verify(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    effective: Annotated[str, Form()],
    evidence: Annotated[str, Form()],
    password: Annotated[str, Form()],
    limits: Limits,
) -> Response:
    if effective not in ("yes", "no"):
        raise ValidationError("the verification result must be yes or no")
    capa_actions.verify(
        session,
        actor=user,
        ref=ref,
        effective=effective == "yes",
        evidence=evidence,
        password=password,
        limits=limits,
    )
    target = capa_url(capa_records.normalise_ref(ref))
    return done(request, target, N_("The effectiveness verification is signed."))


@router.post("/capa/{ref}/close")
def close(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    car = capa.close(session, actor=user, ref=ref)
    return done(request, capa_url(car.ref), N_("The corrective action is closed."))
