"""The yearly papers of a public body and the leaders' dashboard: /dashboard for leaders,
/reports/yearly (the year's free texts and the printed report) and /reports/conformity
(the scope, the decisions issued and a new one when the scope changed)."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from qms.errors import Text
from qms.render.charts import data_uri
from qms.services.people import organisation
from qms.services.yearly import conformity, dashboard, drafts, report
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.i18n import request_language, translator
from qms.web.pages import flash, render
from qms.web.routes.responses import done, download

router = APIRouter()
TEXT = Annotated[str, Form(max_length=drafts.MAX_TEXT)]
LINE = Annotated[str, Form(max_length=200)]
YEAR = Annotated[int, Query(ge=drafts.FIRST_YEAR, le=9999)]


@router.get("/dashboard")
def dashboard_page(request: Request, session: Db, user: CurrentUser) -> Response:
    shown = dashboard.dashboard(session, viewer=user, language=request_language(request))
    context = {
        "board": shown,
        "objectives_chart": data_uri(shown.objectives_chart),
        "on_time_chart": data_uri(shown.on_time_chart),
    }
    return render(request, "dashboard.html", context)


@router.get("/reports/yearly")
def yearly_page(
    request: Request, session: Db, user: CurrentUser, year: YEAR | None = None
) -> Response:
    drafts.require_coordinator(session, user, Text("write the yearly report"))
    chosen = year or organisation.today(session).year
    drafts.check_year(session, chosen)
    context = {
        "year": chosen,
        "draft": drafts.draft_of(session, chosen),
        "reviews": report.management_reviews_of(session, chosen),
    }
    return render(request, "yearly_report.html", context)


@router.post("/reports/yearly")
def save_draft(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Annotated[int, Form(ge=drafts.FIRST_YEAR, le=9999)],
    difficulties: TEXT = "",
    proposals: TEXT = "",
    legal_bases: TEXT = "",
    recipients: TEXT = "",
    activities: TEXT = "",
    place: LINE = "",
    signer: LINE = "",
) -> Response:
    texts = {
        "difficulties": difficulties,
        "proposals": proposals,
        "legal_bases": legal_bases,
        "recipients": recipients,
        "activities": activities,
        "place": place,
        "signer": signer,
    }
    drafts.save_draft(session, actor=user, year=year, texts=texts)
    return done(request, f"/reports/yearly?year={year}", N_("The draft is saved."))


@router.post("/reports/yearly/pdf")
def yearly_pdf(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Annotated[int, Form(ge=drafts.FIRST_YEAR, le=9999)],
) -> Response:
    """Printing the report is an act on the trail, so it is a form, not a link."""
    data = report.issue_report(session, actor=user, year=year, language=request_language(request))
    return download(data, f"bao-cao-iso-{year}.pdf")


@router.get("/reports/conformity")
def conformity_page(request: Request, session: Db, user: CurrentUser) -> Response:
    drafts.require_coordinator(session, user, Text("issue the conformity decision"))
    history = conformity.history(session)
    scope = conformity.current_scope(session)
    context = {
        "scope": scope,
        "history": history,
        "changed": not history or conformity.latest_hash(session) != scope.hash,
        "year": organisation.today(session).year,
    }
    return render(request, "conformity.html", context)


@router.post("/reports/conformity")
def issue_decision(request: Request, session: Db, user: CurrentUser) -> Response:
    issued = conformity.issue_decision(session, actor=user)
    _ = translator(request)
    flash(request, _("Decision {ref} is issued.").format(ref=issued.ref))
    return RedirectResponse("/reports/conformity", status_code=303)


@router.get("/reports/conformity/{year}/{number}.pdf")
def decision_pdf(
    request: Request, session: Db, user: CurrentUser, year: int, number: int
) -> Response:
    drafts.require_coordinator(session, user, Text("issue the conformity decision"))
    _ref, data = conformity.decision_pdf(
        session, year=year, number=number, language=request_language(request)
    )
    return download(data, f"quyet-dinh-cong-bo-iso-{year}-{number:02d}.pdf")
