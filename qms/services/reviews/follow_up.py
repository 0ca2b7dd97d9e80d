"""What became of a review's decisions: the state of the action, the nonconformity or
the document revision each one led to, as the next review's first input shows it."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from qms.domain import CapaStatus, RevisionStatus
from qms.domain_words import word_for
from qms.i18n import translate
from qms.models import (
    CapaAction,
    CorrectiveActionRequest,
    Document,
    ManagementReview,
    ReviewDecision,
    Revision,
    User,
)
from qms.services.capa import records as capa_records
from qms.services.reviews.words import FOLLOW_UP, KINDS, OUTCOMES


@dataclass(frozen=True)
class FollowUpLine:
    number: int
    kind: str  # translated
    text: str
    outcome: str  # "" | action | capa | revision
    link: str  # "Action: owner, due 2026-12-31" | "CAR-2026-004" | "QT-01 issue 4"
    state_key: str  # none | open | overdue | done
    state: str  # translated, with the linked record's own state


def decisions_of(session: Session, review: ManagementReview) -> list[ReviewDecision]:
    return list(
        session.exec(
            select(ReviewDecision)
            .where(ReviewDecision.review_id == review.id)
            .order_by(col(ReviewDecision.number))
        ).all()
    )


def of_review(
    session: Session, review: ManagementReview, *, language: str, today: date
) -> list[FollowUpLine]:
    return [
        line_of(session, d, language=language, today=today) for d in decisions_of(session, review)
    ]


def line_of(
    session: Session, decision: ReviewDecision, *, language: str, today: date
) -> FollowUpLine:
    link, key, detail = link_and_state(session, decision, language=language, today=today)
    state = translate(FOLLOW_UP[key], language) + (f" ({detail})" if detail else "")
    return FollowUpLine(
        number=decision.number,
        kind=translate(KINDS[decision.kind], language),
        text=decision.text,
        outcome=decision.outcome,
        link=link,
        state_key=key,
        state=state,
    )


def link_and_state(
    session: Session, decision: ReviewDecision, *, language: str, today: date
) -> tuple[str, str, str]:
    """The linked record's label, the follow-up state and the record's own state."""
    if decision.outcome == "action":
        owner = session.get(User, decision.owner_id) if decision.owner_id else None
        due = (
            (decision.due.strftime("%d/%m/%Y") if language == "vi" else decision.due.isoformat())
            if decision.due
            else ""
        )
        link = (
            f"{translate(OUTCOMES['action'], language)}: {owner.full_name if owner else ''}, {due}"
        )
        if decision.done_at is not None:
            return link, "done", ""
        late = decision.due is not None and decision.due < today
        return link, "overdue" if late else "open", ""
    if decision.outcome == "capa" and decision.capa_id is not None:
        car = session.get(CorrectiveActionRequest, decision.capa_id)
        assert car is not None  # a foreign key
        own = word_for(CapaStatus, car.status, language)
        if car.status == CapaStatus.CLOSED.value:
            return car.ref, "done", own
        late = any(
            capa_records.is_overdue(a, today)
            for a in session.exec(select(CapaAction).where(CapaAction.capa_id == car.id)).all()
        )
        return car.ref, "overdue" if late else "open", own
    if decision.outcome == "revision" and decision.revision_id is not None:
        rev = session.get(Revision, decision.revision_id)
        assert rev is not None  # a foreign key
        doc = session.get(Document, rev.document_id)
        assert doc is not None
        own = word_for(RevisionStatus, rev.status, language)
        link = f"{doc.code}/{rev.issue}"
        done = rev.status in (RevisionStatus.EFFECTIVE.value, RevisionStatus.SUPERSEDED.value)
        return link, "done" if done else "open", own
    return "", "none", ""
