"""Quality-objective pages: the objectives of a year with their charts, one objective with
its versions, plan and results, and the forms of the steps its read view offers (approve
with the password typed again, enter a result with its evidence, open a nonconformity from
a result not met, draft and revise). Every signed-in user reads; the services decide who
may do what."""

import mimetypes
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from qms.errors import QMSError, ValidationError
from qms.models import User
from qms.render.charts import data_uri
from qms.services.objectives import charts, lifecycle, results, views
from qms.services.objectives.periods import Frequency
from qms.services.people import organisation, users
from qms.web.deps import CurrentUser, Db, Limits
from qms.web.errors import N_
from qms.web.i18n import request_language, translated
from qms.web.pages import render
from qms.web.refusals import Refusal
from qms.web.routes.audit_checklist import SAFE_MEDIA_TYPES
from qms.web.routes.capa import labels as capa_labels
from qms.web.routes.responses import capa_url, done, download

router = APIRouter()

# The content fields of the draft and revise forms, as the service names them.
CONTENT_FIELDS = [name for name in lifecycle.CONTENT_FIELDS if name != "reason"]
FORM_FIELDS = {
    "approve": ("password",),
    "approve_many": ("password",),
    "result": ("period", "value", "comment", "evidence_name"),
    "nonconformity": ("period",),
    "draft": (*CONTENT_FIELDS, "year", "department", "document"),
    "revise": (*CONTENT_FIELDS, "reason"),
}


def objective_url(ref: str) -> str:
    return f"/objectives/{quote(ref, safe='')}"


def _year(session: Session, year: str) -> int:
    if not year:
        return organisation.today(session).year
    if not year.isdigit() or not 2000 <= int(year) <= 9999:
        raise ValidationError("the year must be a number such as 2026, not {value!r}", value=year)
    return int(year)


# What the new-objective form starts with.
BLANK = {
    **dict.fromkeys(CONTENT_FIELDS, ""),
    "direction": "at_least",
    "frequency": "quarterly",
    "measure": "entered",
}


def _choices() -> dict[str, Any]:
    return {
        "blank": BLANK,
        "directions": lifecycle.DIRECTIONS,
        "frequencies": [f.value for f in Frequency],
        "measures": lifecycle.MEASURES,
        "scope_kinds": lifecycle.SCOPE_KINDS,
    }


def _list_context(
    request: Request, session: Session, user: User, year: int, refusal: Refusal | None = None
) -> dict[str, Any]:
    shown = views.list_objectives(session, year=year, viewer=user)
    language = request_language(request)
    return {
        "year": year,
        "objectives": shown,
        "charts": {v.ref: data_uri(charts.objective_svg(v, language=language)) for v in shown},
        "approvable": [v.ref for v in shown if "approve" in v.steps],
        "may_draft": views.may_draft(session, user),
        "refusal": refusal or Refusal(),
    }


@router.get("/objectives")
def objectives_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    context = _list_context(request, session, user, _year(session, year))
    return render(request, "objectives.html", context)


@router.post("/objectives/approve")
def approve_many(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    year: Annotated[int, Form()],
    password: Annotated[str, Form()] = "",
    refs: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """A leader signs the drafts ticked on the year's list, with the password once."""
    chosen = refs or []
    try:
        signed = lifecycle.approve_objectives(
            session, actor=user, refs=chosen, password=password, limits=limits
        )
    except QMSError as exc:
        session.rollback()
        refusal = _refusal(request, "approve_many", exc, {"refs": " ".join(chosen)})
        context = _list_context(request, session, user, year, refusal)
        return render(request, "objectives.html", context, status=exc.http_status)
    target = f"/objectives?year={year}"
    if len(signed) == 1:
        return done(request, target, N_("The objective is approved and signed."))
    return done(request, target, N_("The objectives are approved and signed."))


def _page_context(
    request: Request, session: Session, user: User, ref: str, refusal: Refusal | None = None
) -> dict[str, Any]:
    view = views.objective_view(session, ref, user)
    objective = lifecycle.get_objective(session, view.ref)
    svg = charts.objective_svg(view, language=request_language(request))
    return {
        "view": view,
        "versions": lifecycle.versions_of(session, objective),
        "chart": data_uri(svg),
        "periods": views.periods_to_enter(session, view) if "result" in view.steps else [],
        "people": _people(session) if "revise" in view.steps else [],
        "refusal": refusal or Refusal(),
        "capa_labels": capa_labels(request_language(request)),
        **_choices(),
    }


def _people(session: Session) -> list[User]:
    return [u for u, _roles in users.list_users(session) if u.active]


@router.get("/objectives/new")
def new_objective_form(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    views.require_draft(session, user)
    context = {
        "year": _year(session, year),
        "departments": users.list_departments(session),
        "people": _people(session),
        "refusal": Refusal(),
        **_choices(),
    }
    return render(request, "objective_new.html", context)


class ObjectiveForm(BaseModel):
    """The fields of the draft and revise forms, as typed."""

    indicator: str = ""
    unit: str = ""
    target: str = ""
    direction: str = ""
    frequency: str = ""
    owner: str = ""
    measure: str = ""
    scope_kind: str = ""
    scope_value: str = ""
    plan_what: str = ""
    plan_resources: str = ""
    plan_who: str = ""
    plan_when: str = ""
    evaluation: str = ""
    year: str = ""
    department: str = ""
    document: str = ""
    reason: str = ""


@router.post("/objectives/new")
def new_objective(
    request: Request, session: Db, user: CurrentUser, form: Annotated[ObjectiveForm, Form()]
) -> Response:
    typed = {name: getattr(form, name) for name in FORM_FIELDS["draft"]}
    try:
        year = int(typed["year"]) if typed["year"].isdigit() else 0
        version = lifecycle.draft_objective(
            session,
            actor=user,
            year=year,
            department=typed["department"] or None,
            document=typed["document"] or None,
            **{name: typed[name] for name in CONTENT_FIELDS},
        )
    except QMSError as exc:
        session.rollback()
        context = {
            "year": typed["year"],
            "departments": users.list_departments(session),
            "people": _people(session),
            "refusal": _refusal(request, "draft", exc, typed),
            **_choices(),
        }
        return render(request, "objective_new.html", context, status=exc.http_status)
    ref = lifecycle.get_objective_by_id(session, version.objective_id).ref
    return done(request, objective_url(ref), N_("The objective is drafted."))


@router.get("/objectives/{ref}")
def objective_page(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    return render(request, "objective.html", _page_context(request, session, user, ref))


def _refusal(request: Request, step: str, exc: QMSError, values: dict[str, str]) -> Refusal:
    shown = exc.field if exc.field in FORM_FIELDS[step] else None
    return Refusal(step, values, shown, translated(request, exc))


def _refused(
    request: Request,
    session: Session,
    user: User,
    ref: str,
    step: str,
    exc: QMSError,
    values: dict[str, str],
) -> Response:
    """The objective's page again, the ``step`` form holding what was typed (never the
    password or a file) and the refusal beside it; nothing of the step is kept."""
    session.rollback()
    context = _page_context(request, session, user, ref, _refusal(request, step, exc, values))
    return render(request, "objective.html", context, status=exc.http_status)


@router.post("/objectives/{ref}/approve")
def approve(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    ref: str,
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        lifecycle.approve_objectives(
            session, actor=user, refs=[ref], password=password, limits=limits
        )
    except QMSError as exc:
        return _refused(request, session, user, ref, "approve", exc, {})
    return done(request, objective_url(ref.upper()), N_("The objective is approved and signed."))


@router.post("/objectives/{ref}/results")
def record_result(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    period: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    typed = {"period": period, "value": value, "comment": comment}
    data, name = None, ""
    if evidence is not None and evidence.filename:
        data = evidence.file.read(results.MAX_EVIDENCE_BYTES + 1)
        name = evidence.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        found = results.record_result(
            session,
            actor=user,
            ref=ref,
            period=period,
            value=value,
            comment=comment,
            evidence=data,
            evidence_name=name,
            evidence_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
    except QMSError as exc:
        return _refused(request, session, user, ref, "result", exc, typed)
    target = objective_url(ref.upper())
    if found.met:
        return done(request, target, N_("The result is recorded: target met."))
    return done(request, target, N_("The result is recorded: target not met."))


@router.post("/objectives/{ref}/nonconformity")
def open_nonconformity(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    period: Annotated[str, Form()] = "",
) -> Response:
    try:
        car = results.raise_nonconformity(session, actor=user, ref=ref, period=period)
    except QMSError as exc:
        return _refused(request, session, user, ref, "nonconformity", exc, {"period": period})
    return done(request, capa_url(car), N_("The nonconformity is recorded."))


@router.post("/objectives/{ref}/revise")
def revise(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    form: Annotated[ObjectiveForm, Form()],
) -> Response:
    """Change the draft, or start a new version of an approved objective (with a reason).
    Every content field comes from the form, prefilled with what the objective says."""
    typed = {name: getattr(form, name) for name in FORM_FIELDS["revise"]}
    changes = {name: typed[name] for name in CONTENT_FIELDS}
    try:
        version = lifecycle.revise_objective(
            session, actor=user, ref=ref, reason=typed["reason"], **changes
        )
    except QMSError as exc:
        return _refused(request, session, user, ref, "revise", exc, typed)
    target = objective_url(ref.upper())
    if version.version == 1:
        return done(request, target, N_("The draft is saved."))
    return done(request, target, N_("The new version is a draft, to be approved."))


@router.get("/objectives/{ref}/evidence/{period}")
def evidence(request: Request, session: Db, user: CurrentUser, ref: str, period: str) -> Response:
    name, media_type, data = results.evidence_of(session, ref=ref, period=period)
    kind = media_type if media_type in SAFE_MEDIA_TYPES else "application/octet-stream"
    return download(data, name or "evidence", kind)
