"""The integrity of management reviews against the trail.

What the trail records about a review (entity ``review``, id its reference): its status
at planning, start and signing; ``review.start`` the hash of the input pack frozen then;
``review.sign`` the minutes' record hash the chair signed and the minutes PDF stored
then (once: signed minutes are locked).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from qms.errors import Text
from qms.models import ManagementReview, TrailEvent, User
from qms.services.integrity.recorded import (
    Signed,
    new_values,
    report_signatures,
    text_value,
)
from qms.services.integrity.records import (
    Owners,
    TrailRecord,
    compare_pdf,
    compare_record,
    compare_status,
    report_missing,
)
from qms.services.integrity.report import Findings, short
from qms.services.reviews.core import SIGNED
from qms.services.reviews.records import record_hash

CHAIR = "chair"


@dataclass
class _Review(TrailRecord):
    pack: tuple[str, int] | None = None  # the pack's hash recorded at the start, and its event
    signings: list[Signed] = field(default_factory=list)


def _fold(events: Iterable[TrailEvent]) -> dict[str, _Review]:
    reviews: dict[str, _Review] = {}
    for event in events:
        review = reviews.get(event.entity_id)
        if review is None:
            review = reviews[event.entity_id] = _Review(event.seq)
        new = new_values(event.payload)
        status = text_value(new, "status")
        if status is not None:
            review.status = (status, event.seq)
        if event.action == "review.start":
            review.pack = (text_value(new, "pack_sha256") or "", event.seq)
        if event.action == "review.sign":
            digest = text_value(new, "content_hash") or ""
            review.signed.append(Signed(CHAIR, event.actor, digest, event.seq))
            review.content = (digest, event.seq)
            pdf = text_value(new, "pdf_sha256")
            if pdf is not None:
                review.pdfs.append((pdf, event.seq))
    return reviews


def check_reviews(session: Session, findings: Findings, owners: Owners) -> int:
    """Every management review: status, the frozen input pack, the chair's signature, the
    signed minutes and their stored PDF. Returns how many reviews were checked."""
    trail = _fold(
        session.exec(
            select(TrailEvent)
            .where(TrailEvent.entity == "review")
            .order_by(col(TrailEvent.seq))
            .execution_options(yield_per=1000)
        )
    )
    reviews = session.exec(select(ManagementReview).order_by(col(ManagementReview.ref))).all()
    for review in reviews:
        recorded = trail.pop(review.ref, None) or _Review(0)
        compare_status(
            findings, record="review", ref=review.ref, stored=review.status, trail=recorded
        )
        _compare_pack(findings, review, recorded)
        stored = []
        if review.content_hash:
            chair = session.get(User, review.chair_id)
            stored.append(Signed(CHAIR, chair.username if chair else "", review.content_hash))
        report_signatures(
            findings,
            review.ref,
            record="review",
            ref=review.ref,
            stored=stored,
            recorded=recorded.signed,
        )
        if review.status == SIGNED and recorded.content is not None:
            compare_record(
                findings,
                record="review",
                ref=review.ref,
                actual=record_hash(session, review),
                signed=recorded.content,
            )
        compare_pdf(
            findings,
            record="review",
            ref=review.ref,
            stored=review.minutes_sha256,
            recorded=recorded,
            again=_second_minutes_pdf,
        )
        if review.minutes_sha256:
            owners[review.minutes_sha256] = ("review", review.ref, None)
    report_missing(findings, "review", trail)
    return len(reviews)


def _compare_pack(findings: Findings, review: ManagementReview, recorded: _Review) -> None:
    """The pack as stored now (its text, then its stored hash) against the hash the trail
    recorded when the meeting started and froze it."""
    if recorded.pack is None:
        return
    expected, seq = recorded.pack
    actual = hashlib.sha256(review.pack.encode()).hexdigest()
    found = actual if actual != expected else review.pack_sha256
    if found == expected:
        return
    findings.add(
        Text(
            "{subject}: its input pack (hash {found}) is not the pack frozen at the start "
            "of the meeting (event {event}, hash {expected})",
            subject=review.ref,
            found=short(found),
            expected=short(expected),
            event=seq,
        ),
        record="review",
        ref=review.ref,
        what="pack",
        expected=expected,
        found=found,
        event=seq,
    )


def _second_minutes_pdf(ref: str, event: int) -> Text:
    return Text(
        "{subject}: the trail records a second minutes PDF for it (event {event})",
        subject=ref,
        event=event,
    )
