"""Signing in and out, changing one's password, choosing the language, and the
anti-forgery check that guards every state-changing request."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from qms.domain import validate_language
from qms.errors import AuthenticationFailed, ValidationError
from qms.services.people import logins, sessions, users
from qms.web.deps import (
    SAFE_METHODS,
    SESSION_TOKEN_KEY,
    CurrentUser,
    Db,
    MaybeUser,
    lifetimes,
    session_token,
    start_session,
)
from qms.web.errors import CsrfRefused
from qms.web.i18n import LANGUAGE_COOKIE, translator
from qms.web.pages import CSRF_SESSION_KEY, flash, render

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

router = APIRouter()


async def csrf_protect(request: Request) -> None:
    """Every unsafe request carries the session's token: in the form field ``csrf_token``
    or the ``X-CSRF-Token`` header (htmx and the JSON API)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_SESSION_KEY)
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not given and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not secrets.compare_digest(str(expected), given):
        raise CsrfRefused()


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after signing in."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, user: MaybeUser, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    session: Db,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    client = request.client.host if request.client else ""
    try:
        signed = logins.sign_in(
            session,
            username=username,
            password=password,
            client=client,
            lifetimes=lifetimes(request),
        )
    except AuthenticationFailed:
        _ = translator(request)
        context = {"next": safe_next(next), "error": _("Wrong username or password.")}
        return render(request, "login.html", context, status=401)
    start_session(request, signed.token)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, signed.user.language, max_age=365 * 86400, samesite="lax")
    return response


@router.post("/logout")
def logout(request: Request, session: Db) -> Response:
    """Ends the session on the server: a copy of the cookie signs nobody in afterwards."""
    token = session_token(request)
    if token is not None:
        sessions.sign_out(session, token=token)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account")
def account_page(request: Request, user: CurrentUser) -> Response:
    mail = {"email": user.email, "choice": user.mail_choice}
    return render(request, "account.html", {"error": None, "mail": mail})


@router.post("/account/password")
def change_password(
    request: Request,
    session: Db,
    user: CurrentUser,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    repeat_password: Annotated[str, Form()],
) -> Response:
    _ = translator(request)
    if new_password != repeat_password:
        raise ValidationError("The two new passwords differ.")
    renewed = users.change_password(
        session,
        actor=user,
        username=user.username,
        new_password=new_password,
        old_password=current_password,
        current_token=session_token(request),
    )
    if renewed is not None:
        request.session[SESSION_TOKEN_KEY] = renewed
    flash(request, _("Your password has been changed."))
    return RedirectResponse("/account", status_code=303)


@router.post("/language")
def choose_language(
    request: Request,
    session: Db,
    user: MaybeUser,
    language: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """The switcher on every page: stored on the user, and in a cookie for the sign-in page."""
    if user is not None:
        users.set_language(session, actor=user, language=language)
    else:
        validate_language(language)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response
