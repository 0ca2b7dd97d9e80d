"""Failures as responses: a readable page for browsers, ``{"error": {...}}`` for the API,
the status taken from the error's kind. Nothing internal reaches the user."""

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from qms.errors import QMSError, Text
from qms.web.limits import RequestTooLarge

log = logging.getLogger("qms.web")


def N_(text: str) -> str:
    """Marks a message for the catalogs; it is translated where it is shown."""
    return text


class ErrorDetail(BaseModel):
    status: int
    message: str


class ApiError(BaseModel):
    """Every refusal of the JSON API, in the user's language."""

    error: ErrorDetail


def _refusal(description: str) -> dict[str, Any]:
    return {"model": ApiError, "description": description}


# The refusals every API operation may answer with, declared in its OpenAPI schema
# (422 replaces FastAPI's own validation error shape, which the API never sends).
API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _refusal("The request body cannot be read, or the step is refused."),
    401: _refusal("Not signed in, or a wrong password."),
    403: _refusal("Not allowed for the signed-in user, or no anti-forgery token."),
    404: _refusal("No such record, or none the signed-in user may see."),
    409: _refusal("The record is not in a state that allows this step."),
    413: _refusal("The request is too large."),
    422: _refusal("Invalid input."),
    503: _refusal("The database is unavailable or refused the change; nothing was saved."),
}


class NotSignedIn(Exception):
    """The page needs a signed-in user."""


class CsrfRefused(Exception):
    """An unsafe request without the session's anti-forgery token."""


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


# What an error page is titled, in words (the number stays in the response's status).
_TITLES = {
    400: N_("The request was refused"),
    401: N_("Sign-in needed"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("The request was refused"),
    409: N_("The record has moved on"),
    413: N_("Too large"),
    422: N_("Please check what was entered"),
    429: N_("Too many attempts"),
    503: N_("Service unavailable"),
}


def error_title(request: Request, status: int) -> str:
    title = _TITLES.get(status, N_("Something went wrong"))
    return _message(request, title)


def error_response(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    from qms.web.pages import render

    context = {"status": status, "message": message, "title": error_title(request, status)}
    return render(request, "error.html", context, status=status)


def _message(request: Request, text: str) -> str:
    from qms.web.i18n import translator

    return translator(request)(text)


async def _qms_error(request: Request, exc: Exception) -> Response:
    """A service's refusal, in the request's language."""
    from qms.web.i18n import translated

    assert isinstance(exc, QMSError)
    return error_response(request, exc.http_status, translated(request, exc))


async def _not_signed_in(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return error_response(request, 401, _message(request, N_("Please sign in.")))
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    from urllib.parse import quote

    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def _csrf(request: Request, exc: Exception) -> Response:
    text = N_("The form has expired or did not come from this site; reload the page and try again.")
    return error_response(request, 403, _message(request, text))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {
        400: N_("The request cannot be read: send JSON or a form, in UTF-8."),
        404: N_("Page not found."),
        405: N_("This action is not allowed here."),
    }
    text = _message(request, messages.get(exc.status_code) or str(exc.detail))
    if isinstance(exc, RequestTooLarge):
        text = _message(request, N_("The request is too large: at most {limit} MB at a time."))
        text = text.format(limit=exc.limit // (1024 * 1024))
    response = error_response(request, exc.status_code, text)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _invalid(request: Request, exc: Exception) -> Response:
    """A request FastAPI could not read: each field named with what it needs, in the
    request's language (never the validation library's own English)."""
    from qms.i18n import in_language
    from qms.web.i18n import request_language

    assert isinstance(exc, RequestValidationError)
    language = request_language(request)
    problems = [in_language(_problem(error), language) for error in exc.errors()]
    prefix = _message(request, N_("Invalid input"))
    return error_response(request, 422, f"{prefix}: {'; '.join(problems)}")


_WHOLE = frozenset({"int_parsing", "int_type", "int_from_float"})
_NUMBER = frozenset({"float_parsing", "float_type"})
_DATE = frozenset({"date_parsing", "date_from_datetime_parsing", "date_type"})
_CHOICE = frozenset({"enum", "literal_error"})
_LIMITS = ("ge", "gt", "le", "lt", "max_length", "min_length", "expected")


def _problem(error: Mapping[str, Any]) -> Text:
    """What one field needs, by the validation error's type (pydantic's names for them)."""
    field = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query"))
    field = field or "-"
    context = error.get("ctx") or {}
    limit = str(next((context[name] for name in _LIMITS if name in context), ""))
    kind = str(error.get("type"))
    if kind == "missing":
        return Text("{field}: a value is required", field=field)
    if kind in _WHOLE:
        return Text("{field}: a whole number is needed", field=field)
    if kind in _NUMBER:
        return Text("{field}: a number is needed", field=field)
    if kind == "bool_parsing":
        return Text("{field}: yes or no is needed", field=field)
    if kind in _DATE:
        return Text("{field}: a date is needed (YYYY-MM-DD)", field=field)
    if kind == "greater_than_equal":
        return Text("{field}: at least {limit} is needed", field=field, limit=limit)
    if kind == "greater_than":
        return Text("{field}: more than {limit} is needed", field=field, limit=limit)
    if kind == "less_than_equal":
        return Text("{field}: at most {limit} is allowed", field=field, limit=limit)
    if kind == "less_than":
        return Text("{field}: less than {limit} is needed", field=field, limit=limit)
    if kind == "string_too_long":
        return Text("{field}: at most {limit} characters are allowed", field=field, limit=limit)
    if kind == "string_too_short":
        return Text("{field}: at least {limit} characters are needed", field=field, limit=limit)
    if kind in _CHOICE:
        return Text("{field}: one of {limit} is needed", field=field, limit=limit)
    return Text("{field}: the value is not valid", field=field)


async def _database(request: Request, exc: Exception) -> Response:
    log.exception("database problem on %s %s", request.method, request.url.path)
    text = N_("The database is unavailable or refused the change; nothing was saved.")
    return error_response(request, 503, _message(request, text))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    text = N_("Something went wrong on the server; nothing was saved.")
    return error_response(request, 500, _message(request, text))


def install(app: FastAPI) -> None:
    handlers: list[tuple[Any, Any]] = [
        (QMSError, _qms_error),
        (NotSignedIn, _not_signed_in),
        (CsrfRefused, _csrf),
        (HTTPException, _http),
        (RequestValidationError, _invalid),
        (SQLAlchemyError, _database),
        (Exception, _unexpected),
    ]
    for kind, handler in handlers:
        app.add_exception_handler(kind, handler)
