"""A document's controlled paper copies: the list, registering a copy of the effective
issue, and confirming the return of a copy once its issue is no longer in force."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from qms.errors import QMSError
from qms.models import User
from qms.services.documents import paper_copies
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.i18n import translated, translator
from qms.web.pages import flash, render
from qms.web.refusals import Refusal
from qms.web.routes.responses import done

router = APIRouter()


def _page(code: str) -> str:
    return f"/documents/{quote(code, safe='')}/copies"


def _show(
    request: Request, session: Session, user: User, code: str, refusal: Refusal, status: int = 200
) -> Response:
    view = paper_copies.copies_page(session, viewer=user, code=code)
    return render(request, "copies.html", {"view": view, "refusal": refusal}, status=status)


@router.get("/documents/{code}/copies")
def copies_page(request: Request, session: Db, user: CurrentUser, code: str) -> Response:
    return _show(request, session, user, code, Refusal())


@router.post("/documents/{code}/copies")
def register_copy(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    holder: Annotated[str, Form()] = "",
) -> Response:
    try:
        copy = paper_copies.register_copy(session, actor=user, code=code, holder=holder)
    except QMSError as exc:
        session.rollback()
        field = "holder" if exc.field == "holder" else None
        refusal = Refusal("register", {"holder": holder}, field, translated(request, exc))
        return _show(request, session, user, code, refusal, exc.http_status)
    _ = translator(request)
    flash(
        request,
        _("Paper copy %(number)s of issue %(issue)s is registered for %(holder)s.")
        % {"number": copy.copy_number, "issue": copy.issue, "holder": copy.holder},
    )
    return RedirectResponse(_page(copy.code), status_code=303)


@router.post("/documents/{code}/copies/{issue}/{number}/recall")
def confirm_recall(
    request: Request, session: Db, user: CurrentUser, code: str, issue: int, number: int
) -> Response:
    try:
        copy = paper_copies.confirm_recall(
            session, actor=user, code=code, issue=issue, copy_number=number
        )
    except QMSError as exc:
        session.rollback()
        refusal = Refusal("recall", {}, None, translated(request, exc))
        return _show(request, session, user, code, refusal, exc.http_status)
    return done(request, _page(copy.code), N_("The return of the paper copy is confirmed."))
