"""Management review pages: the list with the plan form, and one review with its input
pack by section (charts drawn when the pack was frozen), the conclusion of each input,
the decisions with their follow-up forms and the chair's signing box. A refused form
comes back with what was typed and the message beside its field."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel
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


class PlanForm(BaseModel):
    """The plan form, as typed."""

    planned_on: str = ""
    period_from: str = ""
    period_to: str = ""
    chair: str = ""
    attendees: list[str] = []
    guests: str = ""
    place: str = ""

    def typed(self) -> dict[str, str]:
        return {**self.model_dump(), "attendees": ",".join(self.attendees)}


class ActForm(BaseModel):
    """The follow-up form of a decision, as typed."""

    outcome: str = ""
    owner: str = ""
    due: str = ""
    department: str = ""
    severity: str = ""
    document: str = ""


# The fields of each form, so a refusal about one of them is shown beside it.
FORM_FIELDS = {
    "plan": set(PlanForm.model_fields),
    "start": set(),
    "decide": {"kind", "text"},
    "act": set(ActForm.model_fields),
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
    request: Request, session: Db, user: CurrentUser, form: Annotated[PlanForm, Form()]
) -> Response:
    try:
        planned = planning.plan(
            session,
            actor=user,
            planned_on=_date(form.planned_on, "planned_on"),
            period_from=_date(form.period_from, "period_from"),
            period_to=_date(form.period_to, "period_to"),
            chair=form.chair or None,
            attendees=form.attendees,
            guests=form.guests,
            place=form.place,
        )
    except QMSError as exc:
        session.rollback()
        refusal = _refusal(request, "plan", exc, form.typed())
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


@dataclass(frozen=True)
class ReviewForms:
    """The forms of one review's page: a step runs and the page comes back at ``anchor``
    with its message; refused, the page again with the form as typed (never a password)
    and the refusal beside its field."""

    request: Request
    session: Session
    user: User
    ref: str

    def step(
        self,
        step: str,
        typed: dict[str, str],
        action: Callable[[], object],
        message: str,
        anchor: str = "",
    ) -> Response:
        try:
            action()
        except QMSError as exc:
            self.session.rollback()
            refusal = _refusal(self.request, step, exc, typed)
            return _review_page(
                self.request, self.session, self.user, self.ref, refusal, exc.http_status
            )
        return done(self.request, review_url(self.ref.strip().upper()) + anchor, message)


def _review_forms(request: Request, session: Db, user: CurrentUser, ref: str) -> ReviewForms:
    return ReviewForms(request, session, user, ref)


OnReview = Annotated[ReviewForms, Depends(_review_forms)]


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
async def start(on: OnReview) -> Response:
    form = await on.request.form()
    texts = {key: str(form.get(f"text_{key}", "")) for key in INPUTS if form.get(f"text_{key}")}
    return on.step(
        "start",
        {f"text_{key}": value for key, value in texts.items()},
        lambda: meeting.start(on.session, actor=on.user, ref=on.ref, texts=texts),
        N_("The meeting has started; its input pack is frozen."),
    )


@router.post("/reviews/{ref}/conclude")
def conclude(
    on: OnReview, key: Annotated[str, Form()] = "", text: Annotated[str, Form()] = ""
) -> Response:
    return on.step(
        f"conclude-{key}",
        {"text": text},
        lambda: meeting.conclude(on.session, actor=on.user, ref=on.ref, key=key, text=text),
        N_("The conclusion is recorded."),
        f"#input-{key}" if key in INPUTS else "",
    )


@router.post("/reviews/{ref}/decide")
def decide(
    on: OnReview, kind: Annotated[str, Form()] = "", text: Annotated[str, Form()] = ""
) -> Response:
    return on.step(
        "decide",
        {"kind": kind, "text": text},
        lambda: meeting.decide(on.session, actor=on.user, ref=on.ref, kind=kind, text=text),
        N_("The decision is recorded."),
        "#decisions",
    )


@router.post("/reviews/{ref}/decisions/{number}/act")
def act(on: OnReview, number: int, form: Annotated[ActForm, Form()]) -> Response:
    return on.step(
        f"act-{number}",
        form.model_dump(),
        lambda: meeting.act(
            on.session,
            actor=on.user,
            ref=on.ref,
            number=number,
            outcome=form.outcome,
            owner=form.owner or None,
            due=_date(form.due, "due") if form.due else None,
            department=form.department or None,
            severity=form.severity or None,
            document=form.document or None,
        ),
        N_("The decision's follow-up is recorded."),
        "#decisions",
    )


@router.post("/reviews/{ref}/decisions/{number}/done")
def action_done(on: OnReview, number: int, note: Annotated[str, Form()] = "") -> Response:
    return on.step(
        f"done-{number}",
        {"note": note},
        lambda: meeting.done(on.session, actor=on.user, ref=on.ref, number=number, note=note),
        N_("The action is done."),
        "#decisions",
    )


@router.post("/reviews/{ref}/sign")
def sign(on: OnReview, limits: Limits, password: Annotated[str, Form()] = "") -> Response:
    return on.step(
        "sign",
        {},
        lambda: meeting.sign(
            on.session, actor=on.user, ref=on.ref, password=password, limits=limits
        ),
        N_("The minutes are signed and locked."),
    )
