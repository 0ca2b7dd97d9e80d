"""Read views of reviews: the list, one review with its pack by input, conclusions,
decisions and their follow-up, the steps its viewer may take, and the minutes PDF."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from qms.i18n import translate
from qms.models import ManagementReview, User
from qms.services import blobs, numbering
from qms.services.documents import register as documents
from qms.services.integrity.copies import confirm_stored_record
from qms.services.people import organisation
from qms.services.reviews import figures, follow_up, pack
from qms.services.reviews.core import (
    IN_PROGRESS,
    PLANNED,
    SIGNED,
    attendees_of,
    can_read,
    chair_of,
    get_review,
    is_coordinator,
    require_reader,
)
from qms.services.reviews.meeting import render
from qms.services.reviews.records import conclusions_of, minutes_data
from qms.services.reviews.words import INPUTS, STATUSES


@dataclass(frozen=True)
class ReviewSummary:
    ref: str
    status: str
    status_label: str
    planned_on: date
    period_from: date
    period_to: date
    chair: str


@dataclass(frozen=True)
class InputView:
    key: str
    title: str
    figures: list[list[str]]
    head: list[str]
    rows: list[list[str]]
    charts: list[str]  # inert SVG
    text: str
    conclusion: str


@dataclass(frozen=True)
class DecisionView:
    number: int
    kind: str
    kind_label: str
    text: str
    outcome: str
    link: str
    state: str
    state_key: str
    can_mark_done: bool  # an open action, and the viewer its owner or the coordinator


@dataclass(frozen=True)
class ReviewView:
    ref: str
    status: str
    status_label: str
    planned_on: date
    place: str
    period_from: date
    period_to: date
    chair: str
    chair_username: str
    attendees: list[str]
    guests: list[str]
    pack_sha256: str
    started_at: datetime | None
    signed_at: datetime | None
    content_hash: str
    minutes_sha256: str | None
    inputs: list[InputView]
    decisions: list[DecisionView]
    missing_conclusions: list[str]
    steps: list[str]  # start | conclude | decide | act | sign


def list_reviews(session: Session, *, viewer: User, language: str) -> list[ReviewSummary]:
    reviews = session.exec(
        select(ManagementReview).order_by(
            col(ManagementReview.planned_on).desc(),
            *(term.desc() for term in numbering.in_order(col(ManagementReview.ref))),
        )
    ).all()
    return [
        ReviewSummary(
            ref=r.ref,
            status=r.status,
            status_label=translate(STATUSES[r.status], language),
            planned_on=r.planned_on,
            period_from=r.period_from,
            period_to=r.period_to,
            chair=chair_of(session, r).full_name,
        )
        for r in reviews
        if can_read(session, viewer, r)
    ]


def held_in(session: Session, year: int) -> list[tuple[date, str, str]]:
    """The reviews held in ``year`` (the meeting started: its pack was frozen), as
    (meeting day, reference, chair's name), oldest first: what the yearly report lists."""
    reviews = session.exec(
        select(ManagementReview)
        .where(
            ManagementReview.year == year,
            col(ManagementReview.status).in_([IN_PROGRESS, SIGNED]),
        )
        .order_by(col(ManagementReview.planned_on), *numbering.in_order(col(ManagementReview.ref)))
    ).all()
    return [(r.planned_on, r.ref, chair_of(session, r).full_name) for r in reviews]


def review_view(session: Session, *, viewer: User, ref: str, language: str) -> ReviewView:
    review = get_review(session, ref)
    require_reader(session, viewer, review)
    chair = chair_of(session, review)
    conclusions = conclusions_of(session, review)
    frozen = {s["key"]: s for s in pack.thaw(review.pack)}
    inputs = [
        InputView(
            key=key,
            title=translate(title, language),
            figures=figures.shown_rows(frozen.get(key, {}).get("figures", []), language),
            head=frozen.get(key, {}).get("head", []),
            rows=figures.shown_rows(frozen.get(key, {}).get("rows", []), language),
            charts=frozen.get(key, {}).get("charts", []),
            text=frozen.get(key, {}).get("text", ""),
            conclusion=conclusions.get(key, ""),
        )
        for key, title in INPUTS.items()
    ]
    today = organisation.today(session)
    coordinator = is_coordinator(session, viewer)
    decisions = []
    for d in follow_up.decisions_of(session, review):
        line = follow_up.line_of(session, d, language=language, today=today)
        decisions.append(
            DecisionView(
                number=d.number,
                kind=d.kind,
                kind_label=line.kind,
                text=d.text,
                outcome=d.outcome,
                link=line.link,
                state=line.state,
                state_key=line.state_key,
                can_mark_done=d.outcome == "action"
                and d.done_at is None
                and review.status != PLANNED
                and (d.owner_id == viewer.id or coordinator),
            )
        )
    steps: list[str] = []
    if coordinator and review.status == PLANNED:
        steps.append("start")
    if coordinator and review.status == IN_PROGRESS:
        steps += ["conclude", "decide", "act"]
    if viewer.id == review.chair_id and review.status == IN_PROGRESS:
        steps.append("sign")
    return ReviewView(
        ref=review.ref,
        status=review.status,
        status_label=translate(STATUSES[review.status], language),
        planned_on=review.planned_on,
        place=review.place,
        period_from=review.period_from,
        period_to=review.period_to,
        chair=chair.full_name,
        chair_username=chair.username,
        attendees=[u.full_name for u in attendees_of(session, review)],
        guests=[g for g in review.guests.splitlines() if g.strip()],
        pack_sha256=review.pack_sha256,
        started_at=review.started_at,
        signed_at=review.signed_at,
        content_hash=review.content_hash,
        minutes_sha256=review.minutes_sha256,
        inputs=inputs,
        decisions=decisions,
        missing_conclusions=[k for k in INPUTS if not conclusions.get(k)]
        if review.status != PLANNED
        else [],
        steps=steps,
    )


def minutes_pdf(
    session: Session, *, viewer: User, ref: str, language: str | None = None
) -> tuple[ManagementReview, bytes]:
    """The signed minutes as stored (in the record's language), else rendered now with a
    draft watermark."""
    review = get_review(session, ref)
    require_reader(session, viewer, review)
    stored_in = documents.language_or_default(session, None)
    wanted = documents.language_or_default(session, language)
    if review.status == SIGNED and review.minutes_sha256 and wanted == stored_in:
        confirm_stored_record(
            session, entity="review", ref=review.ref, sha256=review.minutes_sha256
        )
        return review, blobs.data_of(session, review.minutes_sha256)
    return review, render(minutes_data(session, review, language=wanted))
