"""The document controller's upkeep: withdrawing a document (with its reason, after a
confirmation), periodic reviews and external documents' currency checks falling due,
and the approved issues waiting for their effective date."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from qms.errors import QMSError
from qms.models import User
from qms.services.documents import register as documents
from qms.services.documents import revisions, steps, upkeep
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.i18n import translated
from qms.web.pages import render
from qms.web.refusals import Refusal
from qms.web.routes.editing import refused
from qms.web.routes.responses import done

router = APIRouter()


def _doc_page(code: str) -> str:
    return f"/documents/{quote(code.upper(), safe='')}"


@router.post("/documents/{code}/withdraw")
def withdraw(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    reason: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Withdraw a document: first a page that says what will happen and asks to confirm,
    then the withdrawal itself (every issue in force or in progress becomes obsolete)."""
    if confirm != "yes":  # nothing changes yet: the step's own check says who may
        found = documents.get_document(session, code)
        targets = steps.check_withdraw(session, user, found)
        context = {"doc": found, "reason": reason, "issues": [r.issue for r in targets]}
        return render(request, "admin/withdraw.html", context)
    try:
        revisions.obsolete(session, actor=user, code=code, reason=reason)
    except QMSError as exc:
        return refused(request, session, user, code, "withdraw", exc, {"reason": reason})
    return done(request, _doc_page(code), N_("The document is withdrawn."))


def _reviews_page(
    request: Request,
    session: Session,
    user: User,
    within: int,
    refusal: Refusal | None = None,
    status: int = 200,
) -> Response:
    found = upkeep.upkeep(session, viewer=user, within_days=within)
    context = {"upkeep": found, "refusal": refusal or Refusal()}
    return render(request, "admin/reviews.html", context, status=status)


@router.get("/admin/reviews")
def reviews_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    within: Annotated[int, Query(ge=0, le=3650)] = 30,
) -> Response:
    return _reviews_page(request, session, user, within)


@router.post("/admin/reviews/{code}")
def record_review(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    note: Annotated[str, Form()] = "",
    within: Annotated[int, Form(ge=0, le=3650)] = 30,
) -> Response:
    try:
        documents.record_periodic_review(session, actor=user, code=code, note=note)
    except QMSError as exc:
        session.rollback()
        step = f"review-{code.upper()}"
        shown = exc.field if exc.field == "note" else None
        refusal = Refusal(step, {"note": note}, shown, translated(request, exc))
        try:
            return _reviews_page(request, session, user, within, refusal, exc.http_status)
        except QMSError:
            raise exc from None
    return done(request, f"/admin/reviews?within={within}", N_("The periodic review is recorded."))


@router.post("/documents/{code}/periodic-review")
def record_review_on_page(
    request: Request, session: Db, user: CurrentUser, code: str, note: Annotated[str, Form()] = ""
) -> Response:
    """The same record, from the document's own page (a refusal comes back there)."""
    try:
        documents.record_periodic_review(session, actor=user, code=code, note=note)
    except QMSError as exc:
        return refused(request, session, user, code, "periodic_review", exc, {"note": note})
    return done(request, _doc_page(code), N_("The periodic review is recorded."))
