"""The meeting: start (freezes the input pack), conclusions per input, decisions and
their follow-up, and the chair's signature that stores the minutes PDF and locks them.
Each step is on the trail in the same transaction."""

from collections.abc import Mapping
from datetime import date

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import CapaSource
from qms.errors import Conflict, InvalidTransition, PermissionDenied, Text, ValidationError, either
from qms.i18n import in_language
from qms.models import ManagementReview, ReviewConclusion, ReviewDecision, User, pk
from qms.render.minutes import ReviewMinutes
from qms.services import blobs
from qms.services.capa import lifecycle as capa
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.people import organisation, signing, users
from qms.services.people.signing import SigningLimits
from qms.services.reviews import pack
from qms.services.reviews.core import (
    IN_PROGRESS,
    PLANNED,
    SIGNED,
    commit_step,
    get_review,
    require_coordinator,
    require_status,
)
from qms.services.reviews.records import conclusions_of, minutes_data, record_hash
from qms.services.reviews.words import INPUTS, KINDS
from qms.text import clean

MAX_TEXT = 20_000
OUTCOMES = ("action", "capa", "revision")


def _long(value: str, field: Text, *, required: bool = False) -> str:
    text_ = clean(value).replace("\r\n", "\n")
    if required and not text_:
        raise ValidationError("the {field} is empty", field=field)
    if len(text_) > MAX_TEXT:
        raise ValidationError(
            "the {field} is longer than {limit:,} characters", field=field, limit=MAX_TEXT
        )
    return text_


def _touch(session: Session, review: ManagementReview) -> None:
    """Mark ``review`` changed now."""
    review.updated_at = utcnow()
    session.add(review)


# ------------------------------------------------------------------------------ start


def start(
    session: Session, *, actor: User, ref: str, texts: Mapping[str, str] | None = None
) -> ManagementReview:
    """Start the meeting (coordinator): the input pack is built from the database for the
    review's period, with ``texts`` (input key -> text) for what the data does not say,
    and frozen with its hash."""
    review = get_review(session, ref, lock=True)
    require_coordinator(session, actor, review)
    require_status(review, PLANNED)
    given = {}
    for key, value in (texts or {}).items():
        if key not in INPUTS:
            raise ValidationError(
                "unknown review input {key!r} (inputs: {choices})",
                key=key,
                choices=", ".join(INPUTS),
            )
        given[key] = _long(value, Text("text of the input"))
    language = documents.language_or_default(session, None)
    sections = pack.build(session, review, texts=given, language=language)
    review.pack, review.pack_sha256 = pack.freeze(sections)
    review.status = IN_PROGRESS
    review.started_at = utcnow()
    _touch(session, review)
    commit_step(
        session,
        actor=actor,
        review=review,
        action="review.start",
        payload={
            "old": {"status": PLANNED},
            "new": {"status": IN_PROGRESS, "pack_sha256": review.pack_sha256},
        },
    )
    return review


# ------------------------------------------------------------------------- the minutes


def conclude(session: Session, *, actor: User, ref: str, key: str, text: str) -> ReviewConclusion:
    """Write (or rewrite) the meeting's conclusion on one input (coordinator)."""
    review = get_review(session, ref, lock=True)
    require_coordinator(session, actor, review)
    require_status(review, IN_PROGRESS)
    if key not in INPUTS:
        raise ValidationError(
            "unknown review input {key!r} (inputs: {choices})", key=key, choices=", ".join(INPUTS)
        ).about("key")
    body = _long(text, Text("conclusion"), required=True)
    row = session.exec(
        select(ReviewConclusion)
        .where(ReviewConclusion.review_id == review.id)
        .where(ReviewConclusion.input_key == key)
    ).first()
    old = row.text if row else None
    if row is None:
        row = ReviewConclusion(
            review_id=pk(review),
            input_key=key,
            text=body,
            written_by_id=pk(actor),
            written_at=utcnow(),
        )
    else:
        row.text, row.written_by_id, row.written_at = body, pk(actor), utcnow()
    session.add(row)
    _touch(session, review)
    commit_step(
        session,
        actor=actor,
        review=review,
        action="review.conclude",
        payload={"old": {"input": key, "text": old}, "new": {"input": key, "text": body}},
    )
    return row


def decide(session: Session, *, actor: User, ref: str, kind: str, text: str) -> ReviewDecision:
    """Record a decision (coordinator): an improvement opportunity, a change to the QMS
    or a resource need."""
    review = get_review(session, ref, lock=True)
    require_coordinator(session, actor, review)
    require_status(review, IN_PROGRESS)
    if kind not in KINDS:
        raise ValidationError(
            "a decision is {choices}, not {kind!r}", choices=either(list(KINDS)), kind=kind
        ).about("kind")
    body = _long(text, Text("decision"), required=True)
    last = session.exec(
        select(ReviewDecision.number)
        .where(ReviewDecision.review_id == review.id)
        .order_by(col(ReviewDecision.number).desc())
    ).first()
    decision = ReviewDecision(
        review_id=pk(review),
        number=(last or 0) + 1,
        kind=kind,
        text=body,
        created_by_id=pk(actor),
        created_at=utcnow(),
    )
    session.add(decision)
    _touch(session, review)
    commit_step(
        session,
        actor=actor,
        review=review,
        action="review.decide",
        payload={"new": {"decision": decision.number, "kind": kind, "text": body}},
    )
    return decision


def _decision(session: Session, review: ManagementReview, number: int) -> ReviewDecision:
    found = session.exec(
        select(ReviewDecision)
        .where(ReviewDecision.review_id == review.id)
        .where(ReviewDecision.number == number)
    ).first()
    if found is None:
        raise ValidationError("{ref} has no decision {number}", ref=review.ref, number=number)
    return found


def act(
    session: Session,
    *,
    actor: User,
    ref: str,
    number: int,
    outcome: str,
    owner: str | None = None,
    due: date | None = None,
    department: str | None = None,
    severity: str | None = None,
    document: str | None = None,
) -> ReviewDecision:
    """Turn decision ``number`` into an action (owner and due date), a nonconformity
    (department and severity; its source is the review) or the next issue of a document
    (its reason for change names the decision). Once only; coordinator."""
    review = get_review(session, ref, lock=True)
    require_coordinator(session, actor, review)
    require_status(review, IN_PROGRESS)
    decision = _decision(session, review, number)
    if decision.outcome:
        raise Conflict(
            "decision {number} of {ref} already has its follow-up", number=number, ref=review.ref
        )
    label = f"{review.ref}/{decision.number}"
    new: dict[str, object] = {"decision": decision.number, "outcome": outcome}
    if outcome == "action":
        if not owner:
            raise ValidationError("name the owner of the action").about("owner")
        person = users.get_active_user(session, owner)
        if due is None:
            raise ValidationError("give the due date of the action").about("due")
        if due < organisation.today(session):
            raise ValidationError("the due date {date} is in the past", date=due.isoformat()).about(
                "due"
            )
        decision.owner_id, decision.due = pk(person), due
        new |= {"owner": person.username, "due": due.isoformat()}
    elif outcome == "capa":
        language = organisation.get_setting(session, "organisation.language") or "vi"
        description = in_language(
            Text(
                "Management review {ref}, decision {number}: {text}",
                ref=review.ref,
                number=decision.number,
                text=decision.text,
            ),
            language,
        )
        car = capa.add_nonconformity(
            session,
            actor=actor,
            source=CapaSource.MANAGEMENT_REVIEW.value,
            description=description,
            department=department,
            clause="9.3",
            severity=severity,
        )
        decision.capa_id = pk(car)
        new |= {"capa": car.ref}
    elif outcome == "revision":
        if not document:
            raise ValidationError("name the document to revise").about("document")
        language = organisation.get_setting(session, "organisation.language") or "vi"
        reason = in_language(
            Text(
                "Decision {label} of the management review: {text}", label=label, text=decision.text
            ),
            language,
        )
        rev = revisions.draft_next_issue(
            session,
            actor=actor,
            code=document,
            reason=" ".join(reason.split())[:1000],
            description="",
        )
        decision.revision_id = pk(rev)
        new |= {"revision": f"{document.strip().upper()}/{rev.issue}"}
    else:
        raise ValidationError(
            "a decision becomes {choices}, not {outcome!r}",
            choices=either(list(OUTCOMES)),
            outcome=outcome,
        ).about("outcome")
    decision.outcome = outcome
    session.add(decision)
    _touch(session, review)
    commit_step(session, actor=actor, review=review, action="review.act", payload={"new": new})
    return decision


def done(session: Session, *, actor: User, ref: str, number: int, note: str = "") -> ReviewDecision:
    """Mark a decision's action done (its owner or the coordinator), also after signing:
    the minutes record the decision, the next review its progress."""
    review = get_review(session, ref, lock=True)
    require_status(review, IN_PROGRESS, SIGNED)
    decision = _decision(session, review, number)
    if decision.outcome != "action":
        raise InvalidTransition(
            "decision {number} of {ref} is not an action", number=number, ref=review.ref
        )
    if decision.owner_id != actor.id:
        require_coordinator(session, actor, review)
    if decision.done_at is not None:
        raise Conflict("decision {number} of {ref} is already done", number=number, ref=review.ref)
    decision.done_at = utcnow()
    decision.done_note = _long(note, Text("note"))
    session.add(decision)
    commit_step(
        session,
        actor=actor,
        review=review,
        action="review.done",
        payload={"new": {"decision": decision.number, "note": decision.done_note}},
    )
    return decision


# ------------------------------------------------------------------------------- sign


def render(minutes: ReviewMinutes, *, pdfa: bool = False) -> bytes:
    from qms.render import render_record_pdf

    data: bytes = render_record_pdf(minutes, pdfa=pdfa)
    return data


def sign(
    session: Session,
    *,
    actor: User,
    ref: str,
    password: str,
    limits: SigningLimits | None = None,
) -> ManagementReview:
    """The chair signs the minutes (password): refused while an input has no conclusion.
    The minutes PDF/A is stored with its hash and the review is locked. A wrong password
    counts towards the signing lock-out (see :mod:`qms.services.people.signing`)."""
    review = get_review(session, ref, lock=True)
    if actor.id != review.chair_id:
        raise PermissionDenied(
            "{user} cannot sign the minutes of {ref}: only its chair signs them",
            user=actor.username,
            ref=review.ref,
        )
    require_status(review, IN_PROGRESS)
    written = conclusions_of(session, review)
    missing = [key for key in INPUTS if not written.get(key)]
    if missing:
        raise ValidationError(
            "{count} inputs of {ref} have no conclusion yet (first: {first})",
            count=len(missing),
            ref=review.ref,
            first=missing[0],
        )
    signing.confirm_signer(
        session,
        signer=actor,
        password=password,
        limits=limits,
        entity="review",
        entity_id=review.ref,
        meaning="chair",
    )
    content = record_hash(session, review)
    review.status = SIGNED
    review.content_hash = content
    review.signed_at = utcnow()
    review.signer_name = actor.full_name
    review.signer_position = actor.position
    data = render(minutes_data(session, review, content_hash=content), pdfa=True)
    blob = blobs.put(session, data=data, media_type=blobs.PDF)
    review.minutes_sha256 = blob.sha256
    _touch(session, review)
    commit_step(
        session,
        actor=actor,
        review=review,
        action="review.sign",
        payload={
            "old": {"status": IN_PROGRESS},
            "new": {"status": SIGNED, "content_hash": content, "pdf_sha256": blob.sha256},
        },
    )
    return review
