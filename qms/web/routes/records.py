"""The list of records (danh mục hồ sơ): every signed-in user reads it; the coordinator
adds lines by hand; batches are kept and, past retention, disposed of with a second
person's approval. A refused form is shown again with what was typed."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from qms.domain import Role
from qms.errors import QMSError, Text, ValidationError
from qms.i18n import in_language
from qms.models import User
from qms.services.people import organisation, users
from qms.services.records import batches, listing, printing, tables, views
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.i18n import request_language, translated
from qms.web.pages import render
from qms.web.refusals import Refusal
from qms.web.routes.responses import done, download

router = APIRouter()

KEEPERS = {Role.CONTROLLER, Role.REVIEWER, Role.APPROVER}
FORM_FIELDS = {
    "line": {"name", "retention", "department", "form_code", "process", "location", "medium",
             "disposal"},
    "keep": {"line_id", "year", "count", "description"},
    "dispose": {"approved_by", "method", "disposed_on", "reference"},
}  # fmt: skip


def _page(
    request: Request,
    session: Session,
    user: User,
    *,
    dept: str = "",
    medium: str = "",
    refusal: Refusal | None = None,
    status: int = 200,
) -> Response:
    today = organisation.today(session)
    roles = users.roles_of(session, user)
    language = request_language(request)
    shown = views.list_view(session, today=today, department=dept or None, medium=medium or None)
    problems = [
        {"code": p.code, "issue": p.issue, "line": p.line, "text": in_language(p.text, language)}
        for p in listing.problems(session)
    ]
    kept = views.kept_batches(session, today=today)
    context = {
        "lines": shown,
        "all_lines": shown if not (dept or medium) else views.list_view(session, today=today),
        "dept": dept,
        "medium": medium,
        "media": tables.MEDIA,
        "departments": users.list_departments(session),
        "problems": problems,
        "due": [b for b in kept if b.due],
        "kept": [b for b in kept if not b.due],
        "default_disposal": organisation.get_setting(session, "records.disposal"),
        "approvers": [
            found
            for found, held in users.list_users(session)
            if found.active and held & batches.DISPOSAL_APPROVERS and found.id != user.id
        ],
        "may_add": Role.CONTROLLER in roles,
        "may_keep": bool(roles & KEEPERS),
        "refusal": refusal or Refusal(),
        "today": today,
    }
    return render(request, "records.html", context, status=status)


@router.get("/records")
def records_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    dept: Annotated[str, Query(max_length=20)] = "",
    medium: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _page(request, session, user, dept=dept, medium=medium)


@router.get("/records.pdf")
def records_pdf(
    request: Request,
    session: Db,
    _user: CurrentUser,
    dept: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    language = request_language(request)
    data = printing.list_pdf(session, department=dept or None, language=language)
    return download(data, "danh-muc-ho-so.pdf")


def _refused(
    request: Request,
    session: Session,
    user: User,
    step: str,
    exc: QMSError,
    values: dict[str, str],
) -> Response:
    """The page again, the ``step`` form holding what was typed and the refusal beside the
    field it is about (above the form when it is about none); nothing was kept."""
    session.rollback()
    field = exc.field if exc.field in FORM_FIELDS[step.split(":")[0]] else None
    refusal = Refusal(step, values, field, translated(request, exc))
    return _page(request, session, user, refusal=refusal, status=exc.http_status)


def _whole(value: str, name: str, label: Text, *, required: bool) -> int | None:
    text = value.strip()
    if not text and not required:
        return None
    if not text.isdigit() or len(text) > 6:
        raise ValidationError("the {field} is a whole number", field=label).about(name)
    return int(text)


@router.post("/records/lines")
def add_line(
    request: Request,
    session: Db,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=2000)] = "",
    retention: Annotated[str, Form(max_length=2000)] = "",
    department: Annotated[str, Form(max_length=20)] = "",
    form_code: Annotated[str, Form(max_length=200)] = "",
    process: Annotated[str, Form(max_length=2000)] = "",
    location: Annotated[str, Form(max_length=2000)] = "",
    medium: Annotated[str, Form(max_length=20)] = tables.PAPER,
    disposal: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    typed = {
        "name": name, "retention": retention, "department": department, "form_code": form_code,
        "process": process, "location": location, "medium": medium, "disposal": disposal,
    }  # fmt: skip
    try:
        listing.add_line(
            session,
            actor=user,
            name=name,
            retention=retention,
            department=department or None,
            form_code=form_code,
            process=process,
            location=location,
            medium=medium,
            disposal=disposal,
        )
    except QMSError as exc:
        return _refused(request, session, user, "line", exc, typed)
    return done(request, "/records", N_("The line is added to the list of records."))


@router.post("/records/batches")
def keep_batch(
    request: Request,
    session: Db,
    user: CurrentUser,
    line_id: Annotated[str, Form(max_length=20)] = "",
    year: Annotated[str, Form(max_length=20)] = "",
    count: Annotated[str, Form(max_length=20)] = "",
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    typed = {"line_id": line_id, "year": year, "count": count, "description": description}
    try:
        batches.keep_batch(
            session,
            actor=user,
            line_id=_whole(line_id, "line_id", Text("record"), required=True) or 0,
            year=_whole(year, "year", Text("year"), required=True) or 0,
            count=_whole(count, "count", Text("count"), required=False),
            description=description,
        )
    except QMSError as exc:
        return _refused(request, session, user, "keep", exc, typed)
    return done(request, "/records#batches", N_("The batch of records is registered as kept."))


@router.post("/records/batches/{batch_id}/dispose")
def dispose_batch(
    request: Request,
    session: Db,
    user: CurrentUser,
    batch_id: int,
    approved_by: Annotated[str, Form(max_length=200)] = "",
    method: Annotated[str, Form(max_length=2000)] = "",
    disposed_on: Annotated[str, Form(max_length=20)] = "",
    reference: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    typed = {
        "approved_by": approved_by, "method": method, "disposed_on": disposed_on,
        "reference": reference,
    }  # fmt: skip
    try:
        batches.dispose_batch(
            session,
            actor=user,
            batch_id=batch_id,
            approved_by=approved_by,
            method=method,
            disposed_on=_day(disposed_on),
            reference=reference,
        )
    except QMSError as exc:
        return _refused(request, session, user, f"dispose:{batch_id}", exc, typed)
    return done(request, "/records#due", N_("The disposal is recorded."))


def _day(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            "the disposal date is a date (YYYY-MM-DD), not {value!r}", value=value
        ).about("disposed_on") from None
