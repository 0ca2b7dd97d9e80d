"""The JSON API for management reviews, read-only: the reviews the caller may read, one
review with its input pack, conclusions, decisions and their follow-up, and the minutes
PDF. Responses are the services' own views (the shapes ``qms review list|show --format
json`` prints), their words in the caller's language."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qms.services.reviews import views
from qms.services.reviews.views import ReviewSummary, ReviewView
from qms.web.deps import CurrentUser, Db
from qms.web.errors import API_ERRORS
from qms.web.i18n import request_language
from qms.web.routes.responses import PDF_RESPONSE, download

router = APIRouter(tags=["management reviews"], responses=API_ERRORS)


@router.get("/reviews", response_model=list[ReviewSummary])
def list_reviews(request: Request, session: Db, user: CurrentUser) -> list[ReviewSummary]:
    return views.list_reviews(session, viewer=user, language=request_language(request))


@router.get("/reviews/{ref}", response_model=ReviewView)
def get_review(request: Request, session: Db, user: CurrentUser, ref: str) -> ReviewView:
    return views.review_view(session, viewer=user, ref=ref, language=request_language(request))


@router.get("/reviews/{ref}/minutes.pdf", response_class=Response, responses=PDF_RESPONSE)
def get_minutes_pdf(session: Db, user: CurrentUser, ref: str, lang: str | None = None) -> Response:
    review, data = views.minutes_pdf(session, viewer=user, ref=ref, language=lang)
    return download(data, f"{review.ref}.pdf")
