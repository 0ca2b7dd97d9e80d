"""Management review pages: the list with the plan form, and one review with its input
pack by section (charts drawn when the pack was frozen), the conclusion of each input,
the decisions with their follow-up forms and the chair's signing box. A refused form
comes back with what was typed and the message beside its field."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from qms.domain import SEVERITIES, Role
from qms.errors import QMSError, ValidationError
from qms.i18n import translate_all
from qms.models import User
from qms.render.charts import data_uri
from qms.services.people import organisation, users
from qms.services.reviews import meeting, planning, views
from qms.services.reviews.core import is_coordinator
from qms.services.reviews.words import INPUTS, KINDS, OUTCOMES
from qms.web.deps import CurrentUser, Db, Limits
from qms.web.errors import N_
from qms.web.i18n import request_language, translated
from qms.web.pages import render
from qms.web.refusals import Refusal
from qms.web.routes.responses import done, download

router = APIRouter()

# The fields of each form, so a refusal about one of them is shown beside it.
FORM_FIELDS = {
    "plan": {"chair", "attendees", "period_to", "planned_on", "period_from", "place", "guests"},
    "start": set(),
    "decide": {"kind", "text"},
    "act": {"outcome", "owner", "due", "department", "severity", "document"},
    "sign": {"password"},
}


def review_url(ref: str) -> str:
    return f"/reviews/{quote(ref, safe='')}"


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("give the date as YYYY-MM-DD, not {value!r}", value=value).about(
            field
        ) from None


def _refusal(request: Request, step: str, exc: QMSError, values: dict[str, str]) -> Refusal:
    fields = FORM_FIELDS.get(step.split("-")[0], set())
    shown = exc.field if exc.field in fields or step.startswith("conclude-") else None
    return Refusal(step, values, shown, translated(request, exc))


# ------------------------------------------------------------------------------- list


def _people(session: Session) -> list[tuple[User, set[Role]]]:
    return [(u, r) for u, r in users.list_users(session) if u.active]


def _list_page(
    request: Request, session: Session, user: User, refusal: Refusal, status: int = 200
) -> Response:
    language = request_language(request)
    today = organisation.today(session)
    context: dict[str, Any] = {
        "reviews": views.list_reviews(session, viewer=user, language=language),
        "can_plan": is_coordinator(session, user),
        "people": _people(session),
        "refusal": refusal,
        "default_from": date(today.year, 1, 1).isoformat(),
        "default_to": today.isoformat(),
    }
    return render(request, "reviews/list.html", context, status=status)


@router.get("/reviews")
def reviews_page(request: Request, session: Db, user: CurrentUser) -> Response:
    return _list_page(request, session, user, Refusal())


@router.post("/reviews")
def plan_review(
    request: Request,
    session: Db,
    user: CurrentUser,
    planned_on: Annotated[str, Form()] = "",
    period_from: Annotated[str, Form()] = "",
    period_to: Annotated[str, Form()] = "",
    chair: Annotated[str, Form()] = "",
    attendees: Annotated[list[str] | None, Form()] = None,
    guests: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
) -> Response:
    typed = {
        "planned_on": planned_on,
        "period_from": period_from,
        "period_to": period_to,
        "chair": chair,
        "attendees": ",".join(attendees or []),
        "guests": guests,
        "place": place,
    }
    try:
        planned = planning.plan(
            session,
            actor=user,
            planned_on=_date(planned_on, "planned_on"),
            period_from=_date(period_from, "period_from"),
            period_to=_date(period_to, "period_to"),
            chair=chair or None,
            attendees=attendees or [],
            guests=guests,
            place=place,
        )
    except QMSError as exc:
        session.rollback()
        refusal = _refusal(request, "plan", exc, typed)
        return _list_page(request, session, user, refusal, exc.http_status)
    return done(request, review_url(planned.ref), N_("The management review is planned."))


# ---------------------------------------------------------------------------- one review


def _review_page(
    request: Request,
    session: Session,
    user: User,
    ref: str,
    refusal: Refusal,
    status: int = 200,
) -> Response:
    language = request_language(request)
    shown = views.review_view(session, viewer=user, ref=ref, language=language)
    context: dict[str, Any] = {
        "review": shown,
        "charts": {i.key: [data_uri(svg) for svg in i.charts] for i in shown.inputs},
        "inputs": translate_all(INPUTS, language),
        "kinds": translate_all(KINDS, language),
        "outcomes": translate_all(OUTCOMES, language),
        "people": _people(session) if "act" in shown.steps else [],
        "departments": users.list_departments(session) if "act" in shown.steps else [],
        "severities": SEVERITIES,
        "refusal": refusal,
    }
    return render(request, "reviews/review.html", context, status=status)


def _step(
    request: Request,
    session: Session,
    user: User,
    ref: str,
    step: str,
    typed: dict[str, str],
    action: Any,
    message: str,
    anchor: str = "",
) -> Response:
    """Run one step; refused, the page again with the form as typed (never a password)."""
    try:
        action()
    except QMSError as exc:
        session.rollback()
        refusal = _refusal(request, step, exc, typed)
        return _review_page(request, session, user, ref, refusal, exc.http_status)
    return done(request, review_url(ref.strip().upper()) + anchor, message)


@router.get("/reviews/{ref}")
def review_page(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    return _review_page(request, session, user, ref, Refusal())


@router.get("/reviews/{ref}/minutes.pdf")
def minutes_pdf(
    request: Request, session: Db, user: CurrentUser, ref: str, lang: str = ""
) -> Response:
    found, data = views.minutes_pdf(session, viewer=user, ref=ref, language=lang or None)
    return download(data, f"{found.ref}.pdf")


@router.post("/reviews/{ref}/start")
async def start(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    form = await request.form()
    texts = {key: str(form.get(f"text_{key}", "")) for key in INPUTS if form.get(f"text_{key}")}
    typed = {f"text_{key}": value for key, value in texts.items()}
    return _step(
        request,
        session,
        user,
        ref,
        "start",
        typed,
        lambda: meeting.start(session, actor=user, ref=ref, texts=texts),
        N_("The meeting has started; its input pack is frozen."),
    )


@router.post("/reviews/{ref}/conclude")
def conclude(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    key: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    return _step(
        request,
        session,
        user,
        ref,
        f"conclude-{key}",
        {"text": text},
        lambda: meeting.conclude(session, actor=user, ref=ref, key=key, text=text),
        N_("The conclusion is recorded."),
        f"#input-{key}" if key in INPUTS else "",
    )


@router.post("/reviews/{ref}/decide")
def decide(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    kind: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    return _step(
        request,
        session,
        user,
        ref,
        "decide",
        {"kind": kind, "text": text},
        lambda: meeting.decide(session, actor=user, ref=ref, kind=kind, text=text),
        N_("The decision is recorded."),
        "#decisions",
    )


@router.post("/reviews/{ref}/decisions/{number}/act")
def act(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    number: int,
    outcome: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    due: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    severity: Annotated[str, Form()] = "",
    document: Annotated[str, Form()] = "",
) -> Response:
    typed = {
        "outcome": outcome,
        "owner": owner,
        "due": due,
        "department": department,
        "severity": severity,
        "document": document,
    }

    def action() -> None:
        meeting.act(
            session,
            actor=user,
            ref=ref,
            number=number,
            outcome=outcome,
            owner=owner or None,
            due=_date(due, "due") if due else None,
            department=department or None,
            severity=severity or None,
            document=document or None,
        )

    return _step(
        request,
        session,
        user,
        ref,
        f"act-{number}",
        typed,
        action,
        N_("The decision's follow-up is recorded."),
        "#decisions",
    )


@router.post("/reviews/{ref}/decisions/{number}/done")
def action_done(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    number: int,
    note: Annotated[str, Form()] = "",
) -> Response:
    return _step(
        request,
        session,
        user,
        ref,
        f"done-{number}",
        {"note": note},
        lambda: meeting.done(session, actor=user, ref=ref, number=number, note=note),
        N_("The action is done."),
        "#decisions",
    )


@router.post("/reviews/{ref}/sign")
def sign(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    ref: str,
    password: Annotated[str, Form()] = "",
) -> Response:
    return _step(
        request,
        session,
        user,
        ref,
        "sign",
        {},
        lambda: meeting.sign(session, actor=user, ref=ref, password=password, limits=limits),
        N_("The minutes are signed and locked."),
    )
