"""The minutes record: the canonical content the chair's signature binds to, and the
minutes as plain data for ``qms.render``."""

import hashlib
from typing import Any

from sqlmodel import Session, select

from qms.clock import naive_utc
from qms.i18n import translate
from qms.models import ManagementReview, ReviewConclusion, ReviewDecision, User
from qms.render.data import RecordSignature
from qms.render.minutes import MinutesDecision, MinutesSection, ReviewMinutes
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.people import organisation
from qms.services.records import views as records_views
from qms.services.reviews import figures, follow_up, pack
from qms.services.reviews.core import attendees_of, chair_of
from qms.services.reviews.words import INPUTS, KINDS
from qms.services.trail.chain import canonical


def conclusions_of(session: Session, review: ManagementReview) -> dict[str, str]:
    rows = session.exec(
        select(ReviewConclusion).where(ReviewConclusion.review_id == review.id)
    ).all()
    return {row.input_key: row.text for row in rows}


def record_hash(session: Session, review: ManagementReview) -> str:
    """SHA-256 over the minutes: meeting, people, the frozen pack's hash, the conclusions
    and the decisions with their links (not the later progress of the follow-up)."""
    content: dict[str, Any] = {
        "ref": review.ref,
        "planned_on": review.planned_on,
        "place": review.place,
        "period": [review.period_from, review.period_to],
        "chair": chair_of(session, review).username,
        "attendees": [u.username for u in attendees_of(session, review)],
        "guests": review.guests,
        "pack_sha256": review.pack_sha256,
        "conclusions": conclusions_of(session, review),
        "decisions": [_decision_state(session, d) for d in follow_up.decisions_of(session, review)],
    }
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def _decision_state(session: Session, decision: ReviewDecision) -> dict[str, Any]:
    link, _, _ = follow_up.link_and_state(
        session, decision, language="en", today=decision.created_at.date()
    )
    owner = session.get(User, decision.owner_id) if decision.owner_id else None
    return {
        "number": decision.number,
        "kind": decision.kind,
        "text": decision.text,
        "outcome": decision.outcome,
        "owner": owner.username if owner else None,
        "due": decision.due,
        "link": link if decision.outcome != "action" else "",
    }


def minutes_data(
    session: Session,
    review: ManagementReview,
    *,
    language: str | None = None,
    content_hash: str | None = None,
) -> ReviewMinutes:
    lang = documents.language_or_default(session, language)
    chair = chair_of(session, review)
    conclusions = conclusions_of(session, review)
    frozen = {s["key"]: s for s in pack.thaw(review.pack)}
    sections = tuple(
        MinutesSection(
            key=key,
            title=translate(title, lang),
            figures=tuple(
                (a, b) for a, b in figures.shown_rows(frozen.get(key, {}).get("figures", []), lang)
            ),
            head=tuple(frozen.get(key, {}).get("head", [])),
            rows=tuple(
                tuple(r) for r in figures.shown_rows(frozen.get(key, {}).get("rows", []), lang)
            ),
            charts=tuple(frozen.get(key, {}).get("charts", [])),
            text=frozen.get(key, {}).get("text", ""),
            conclusion=conclusions.get(key, ""),
        )
        for key, title in INPUTS.items()
    )
    today = organisation.today(session)
    decisions = []
    for d in follow_up.decisions_of(session, review):
        link, _, _ = follow_up.link_and_state(session, d, language=lang, today=today)
        owner = session.get(User, d.owner_id) if d.owner_id else None
        decisions.append(
            MinutesDecision(
                number=d.number,
                kind=translate(KINDS[d.kind], lang),
                text=d.text,
                owner=owner.full_name if owner else "",
                due=d.due,
                link=link if d.outcome != "action" else "",
            )
        )
    if review.signed_at is not None:
        signature = RecordSignature(
            "chair",
            review.signer_name,
            review.signer_position,
            naive_utc(review.signed_at),
            review.content_hash == (content_hash or record_hash(session, review)),
        )
    else:
        signature = RecordSignature("chair", chair.full_name, chair.position, None)
    return ReviewMinutes(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        ref=review.ref,
        status=review.status,
        planned_on=review.planned_on,
        place=review.place,
        period_from=review.period_from,
        period_to=review.period_to,
        chair=chair.full_name,
        attendees=tuple(
            f"{u.full_name} – {u.position}" if u.position else u.full_name
            for u in attendees_of(session, review)
        ),
        guests=tuple(line for line in review.guests.splitlines() if line.strip()),
        sections=sections,
        decisions=tuple(decisions),
        signature=signature,
        pack_sha256=review.pack_sha256,
        content_hash=content_hash or record_hash(session, review),
        timezone=organisation.get_setting(session, "timezone"),
        retention=records_views.produced_retention(session, "review_minutes", lang),
    )
