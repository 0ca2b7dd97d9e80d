"""One-stop-desk figures on the web: importing a dossier statistics or survey file
(coordinators), the on-time rate per field, department or procedure and period, the
satisfaction rate per field and period with their charts, and citizens' complaints and
feedback, which can be recorded and turned into nonconformities. Every signed-in user
reads; the services decide who may do what."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from qms.errors import QMSError, Text, ValidationError
from qms.i18n import in_language
from qms.models import User
from qms.render.charts import data_uri
from qms.services.desk import dossiers, feedback, rates, satisfaction
from qms.services.desk import views as desk_views
from qms.services.desk.dossiers import ImportResult
from qms.services.objectives.periods import Frequency, of_year
from qms.services.people import organisation, users
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.i18n import request_language, translated, translator
from qms.web.pages import flash, render
from qms.web.refusals import Refusal
from qms.web.routes.responses import capa_url, done

router = APIRouter()

IMPORT_KINDS = ("dossiers", "satisfaction")
FEEDBACK_FIELDS = ("kind", "received", "department", "summary", "channel", "field")


def _filters(session: Session, year: str, by: str, frequency: str) -> dict[str, Any]:
    if year and (not year.isdigit() or not 2000 <= int(year) <= 9999):
        raise ValidationError("the year must be a number such as 2026, not {value!r}", value=year)
    return {
        "year": int(year) if year else organisation.today(session).year,
        "by": by if by in rates.GROUPS else "field",
        "frequency": frequency if frequency in {f.value for f in Frequency} else "quarterly",
    }


def _context(
    request: Request,
    session: Session,
    user: User,
    filters: dict[str, Any],
    refusal: Refusal | None = None,
) -> dict[str, Any]:
    language = request_language(request)
    _ = translator(request)
    year, frequency = filters["year"], Frequency(filters["frequency"])
    on_time = rates.on_time_table(session, year=year, by=filters["by"], frequency=frequency)
    happy = rates.satisfaction_table(session, year=year, frequency=frequency)
    on_time_svg = desk_views.on_time_svg(on_time, language=language, title=_("On-time rate"))
    happy_svg = desk_views.satisfaction_svg(
        happy,
        periods=[p.key for p in of_year(year, frequency)],
        language=language,
        title=_("Satisfaction rate of citizens, %(year)s") % {"year": year},
    )
    items = feedback.list_feedback(session, year=year)
    return {
        **filters,
        "groups": rates.GROUPS,
        "frequencies": [f.value for f in Frequency],
        "on_time": on_time,
        "satisfaction": happy,
        "on_time_chart": data_uri(on_time_svg) if on_time_svg else None,
        "satisfaction_chart": data_uri(happy_svg) if happy_svg else None,
        "feedback": items,
        "feedback_steps": desk_views.feedback_steps(session, user, items),
        "feedback_kinds": feedback.KINDS,
        "departments": users.list_departments(session),
        "may_import": desk_views.may_import(session, user),
        "import_kinds": IMPORT_KINDS,
        "today": organisation.today(session),
        "refusal": refusal or Refusal(),
    }


@router.get("/data")
def data_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Annotated[str, Query(max_length=4)] = "",
    by: Annotated[str, Query(max_length=20)] = "field",
    frequency: Annotated[str, Query(max_length=20)] = "quarterly",
) -> Response:
    context = _context(request, session, user, _filters(session, year, by, frequency))
    return render(request, "data.html", context)


def _refused(
    request: Request,
    session: Session,
    user: User,
    step: str,
    exc: QMSError,
    values: dict[str, str],
) -> Response:
    """The page again with the refusal above (or beside a field of) the ``step`` form and
    what was typed; nothing was written."""
    session.rollback()
    shown = exc.field if exc.field in values else None
    refusal = Refusal(step, values, shown, translated(request, exc))
    context = _context(request, session, user, _filters(session, "", "", ""), refusal)
    return render(request, "data.html", context, status=exc.http_status)


@router.post("/data/import")
def import_file(
    request: Request,
    session: Db,
    user: CurrentUser,
    kind: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Import one file as a whole; a refused file is named with its row and column."""
    limit: int = request.app.state.settings.import_max_bytes
    typed = {"kind": kind}
    try:
        if kind not in IMPORT_KINDS:
            raise ValidationError("choose what the file holds: dossier statistics or a survey")
        if file is None or not file.filename:
            raise ValidationError("choose the file to import")
        name = file.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        content = file.file.read(limit + 1)
        run = dossiers.import_dossiers if kind == "dossiers" else satisfaction.import_survey
        result = run(session, actor=user, data=content, filename=name, max_bytes=limit)
    except QMSError as exc:
        return _refused(request, session, user, "import", exc, typed)
    _report(request, result, name)
    return RedirectResponse("/data", status_code=303)


def _report(request: Request, result: ImportResult, name: str) -> None:
    language = request_language(request)
    if result.already:
        said = Text(
            "{file} was imported before (import {number}): nothing changed",
            file=name,
            number=result.import_id,
        )
        flash(request, in_language(said, language))
        return
    lines = [
        Text(
            "imported {count} rows from {file} ({periods})",
            count=result.rows,
            file=name,
            periods=", ".join(result.periods),
        ),
        *(Text("opened {ref}", ref=ref) for ref in result.nonconformities),
        *(Text("result {result}", result=filled) for filled in result.results),
    ]
    for line in lines:
        flash(request, in_language(line, language))


@router.post("/data/feedback")
def record_feedback(
    request: Request,
    session: Db,
    user: CurrentUser,
    kind: Annotated[str, Form()] = "",
    received: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    field: Annotated[str, Form()] = "",
) -> Response:
    typed = dict(
        zip(FEEDBACK_FIELDS, (kind, received, department, summary, channel, field), strict=True)
    )
    try:
        try:
            day = date.fromisoformat(received)
        except ValueError:
            raise ValidationError(
                "the date received must be a date such as 2026-10-12, not {value!r}",
                value=received,
            ).about("received") from None
        item = feedback.record_feedback(
            session,
            actor=user,
            kind=kind,
            received_on=day,
            department=department,
            summary=summary,
            channel=channel,
            field=field,
        )
    except QMSError as exc:
        return _refused(request, session, user, "feedback", exc, typed)
    said = in_language(Text("recorded {ref}", ref=item.ref), request_language(request))
    flash(request, said)
    return RedirectResponse("/data#feedback", status_code=303)


@router.post("/data/feedback/{ref}/nonconformity")
def feedback_nonconformity(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    car = feedback.raise_nonconformity(session, actor=user, ref=ref)
    return done(request, capa_url(car), N_("The nonconformity is recorded."))
