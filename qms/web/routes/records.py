"""The list of records (danh mục hồ sơ): every signed-in user reads it; the coordinator
adds lines by hand; batches are kept and, past retention, disposed of with a second
person's approval. A refused form is shown again with what was typed."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
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


class LineForm(BaseModel):
    """A line added to the list by hand, as typed."""

    name: str = Field("", max_length=2000)
    retention: str = Field("", max_length=2000)
    department: str = Field("", max_length=20)
    form_code: str = Field("", max_length=200)
    process: str = Field("", max_length=2000)
    location: str = Field("", max_length=2000)
    medium: str = Field(tables.PAPER, max_length=20)
    disposal: str = Field("", max_length=2000)


class KeepForm(BaseModel):
    """A batch of records registered as kept, as typed."""

    line_id: str = Field("", max_length=20)
    year: str = Field("", max_length=20)
    count: str = Field("", max_length=20)
    description: str = Field("", max_length=2000)


class DisposeForm(BaseModel):
    """The disposal of a batch, as typed."""

    approved_by: str = Field("", max_length=200)
    method: str = Field("", max_length=2000)
    disposed_on: str = Field("", max_length=20)
    reference: str = Field("", max_length=2000)


FORM_FIELDS = {
    "line": set(LineForm.model_fields),
    "keep": set(KeepForm.model_fields),
    "dispose": set(DisposeForm.model_fields),
}


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
    request: Request, session: Db, user: CurrentUser, form: Annotated[LineForm, Form()]
) -> Response:
    try:
        listing.add_line(
            session,
            actor=user,
            name=form.name,
            retention=form.retention,
            department=form.department or None,
            form_code=form.form_code,
            process=form.process,
            location=form.location,
            medium=form.medium,
            disposal=form.disposal,
        )
    except QMSError as exc:
        return _refused(request, session, user, "line", exc, form.model_dump())
    return done(request, "/records", N_("The line is added to the list of records."))


@router.post("/records/batches")
def keep_batch(
    request: Request, session: Db, user: CurrentUser, form: Annotated[KeepForm, Form()]
) -> Response:
    try:
        batches.keep_batch(
            session,
            actor=user,
            line_id=_whole(form.line_id, "line_id", Text("record"), required=True) or 0,
            year=_whole(form.year, "year", Text("year"), required=True) or 0,
            count=_whole(form.count, "count", Text("count"), required=False),
            description=form.description,
        )
    except QMSError as exc:
        return _refused(request, session, user, "keep", exc, form.model_dump())
    return done(request, "/records#batches", N_("The batch of records is registered as kept."))


@router.post("/records/batches/{batch_id}/dispose")
def dispose_batch(
    request: Request,
    session: Db,
    user: CurrentUser,
    batch_id: int,
    form: Annotated[DisposeForm, Form()],
) -> Response:
    try:
        batches.dispose_batch(
            session,
            actor=user,
            batch_id=batch_id,
            approved_by=form.approved_by,
            method=form.method,
            disposed_on=_day(form.disposed_on),
            reference=form.reference,
        )
    except QMSError as exc:
        return _refused(request, session, user, f"dispose:{batch_id}", exc, form.model_dump())
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
