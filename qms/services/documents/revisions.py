"""The life of an issue: draft -> in review -> approved -> effective -> superseded / obsolete.

Drafts never touch the effective issue: staff keep working from it until the next issue
takes effect, which supersedes it in the same transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import CommentOutcome, Meaning, RevisionStatus, Role
from qms.errors import Conflict, Text, ValidationError
from qms.models import (
    Acknowledgement,
    CapaAction,
    CorrectiveActionRequest,
    Document,
    ReviewComment,
    Revision,
    User,
    pk,
)
from qms.phrases import day
from qms.phrases import role as role_word
from qms.services.documents import bodies, renditions, search, search_index, signatures
from qms.services.documents import paper as paper_records
from qms.services.documents import register as documents
from qms.services.documents import steps as checks
from qms.services.documents.register import in_progress_revision as in_progress_revision
from qms.services.documents.register import lock_document
from qms.services.documents.steps import label as _label
from qms.services.fields import one_line
from qms.services.integrity.issues import issue_mismatches
from qms.services.integrity.report import Mismatch
from qms.services.notices import kinds as notices
from qms.services.people import organisation, users
from qms.services.people.signing import SigningLimits
from qms.services.records import listing as records_list
from qms.services.trail import chain as trail
from qms.text import clean, nfc

MAX_BODY_CHARS = 2_000_000
REVIEWED = "reviewed"  # the stage of an issue in review once reviewed: awaiting approval


def _entity_id(doc: Document, rev: Revision) -> str:
    return f"{doc.code}/{rev.issue}"


def _clean_body(body: str) -> str:
    body = nfc(body).replace("\r\n", "\n")
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError("the body is longer than {limit:,} characters", limit=MAX_BODY_CHARS)
    return body


def _accepted_body(session: Session, body: str) -> str:
    """A body someone is saving: cleaned, within the caps of the controlled PDF (else
    refused before anything is saved), its HTML stored with it."""
    body = _clean_body(body)
    bodies.keep(session, body)
    return body


def _new_revision(
    session: Session,
    *,
    doc: Document,
    actor: User,
    issue: int,
    body: str,
    reason: str,
    description: str,
) -> Revision:
    now = utcnow()
    rev = Revision(
        document_id=pk(doc),
        issue=issue,
        status=RevisionStatus.DRAFT.value,
        body=body,
        reason=reason,
        description=description,
        content_hash=signatures.content_hash(
            code=doc.code, issue=issue, body=body, reason=reason, description=description
        ),
        drafted_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(rev)
    session.flush()
    search_index.refresh(session, pk(doc))
    return rev


def create_document(
    session: Session,
    *,
    actor: User,
    code: str,
    title: str,
    doc_type: str,
    department: str,
    body: str = "",
    owner: str | None = None,
    language: str = "vi",
    review_interval_months: int = 12,
    external: dict[str, object] | None = None,
) -> tuple[Document, Revision]:
    """Register a document with its first issue as a draft."""
    body = _accepted_body(session, body)
    doc = documents.add_document(
        session,
        actor=actor,
        code=code,
        title=title,
        doc_type=doc_type,
        department=department,
        owner=owner,
        language=language,
        review_interval_months=review_interval_months,
        external=external,
    )
    rev = _new_revision(
        session, doc=doc, actor=actor, issue=1, body=body, reason="", description=""
    )
    trail.record(
        session,
        actor=actor.username,
        action="revision.draft",
        entity="revision",
        entity_id=_entity_id(doc, rev),
        payload={"new": {"status": rev.status, "content_hash": rev.content_hash}},
    )
    session.commit()
    return doc, rev


def revise(
    session: Session,
    *,
    actor: User,
    code: str,
    body: str | None = None,
    reason: str | None = None,
    description: str | None = None,
    based_on: str | None = None,
) -> Revision:
    """Start the next issue as a draft (from the effective body unless ``body`` is given),
    or update the draft already in progress. Only the drafter edits their draft.

    ``based_on`` is the content hash of the text the change was made to: the draft, or
    with none in progress the effective issue. When given and no longer current, the save
    is refused (:class:`Conflict`) unless it leaves the draft exactly as it is: two saves
    made to the same text cannot both succeed, the second one silently undoing the first.
    """
    users.require_role(session, actor, Role.CONTROLLER, action=Text("draft revisions"))
    if reason is not None:
        reason = one_line(reason, field=Text("reason for change"))
    doc = lock_document(session, code)
    draft = checks.check_drafting(session, actor, doc)
    if draft is not None:
        return _update_draft(
            session, doc, draft, actor, body, reason, description, based_on=based_on
        )
    effective = documents.effective_revision(session, doc)
    if based_on is not None and (effective is None or effective.content_hash != based_on):
        raise _changed_meanwhile(doc, effective)
    rev = _next_issue(session, doc, actor, body, reason, description)
    session.commit()
    return rev


def draft_next_issue(
    session: Session, *, actor: User, code: str, reason: str, description: str
) -> Revision:
    """Start the next issue as a draft from the effective text, without committing, for a
    corrective action that raises it in its own transaction. Refused while another issue
    of the document is in progress."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("draft revisions"))
    doc = lock_document(session, code)
    checks.check_revise(session, actor, doc)
    return _next_issue(session, doc, actor, None, reason, description)


def _next_issue(
    session: Session,
    doc: Document,
    actor: User,
    body: str | None,
    reason: str | None,
    description: str | None,
) -> Revision:
    """The next issue as a draft; the caller has run :func:`steps.check_revise`."""
    latest = session.exec(
        select(Revision).where(Revision.document_id == doc.id).order_by(col(Revision.issue).desc())
    ).first()
    effective = documents.effective_revision(session, doc)
    start_body = (
        _accepted_body(session, body)
        if body is not None
        else _clean_body(effective.body if effective else "")
    )
    rev = _new_revision(
        session,
        doc=doc,
        actor=actor,
        issue=(latest.issue + 1) if latest else 1,
        body=start_body,
        reason=clean(reason or ""),
        description=clean(description or ""),
    )
    trail.record(
        session,
        actor=actor.username,
        action="revision.draft",
        entity="revision",
        entity_id=_entity_id(doc, rev),
        payload={
            "new": {"status": rev.status, "content_hash": rev.content_hash},
            "reason": rev.reason,
        },
    )
    return rev


def raised_by(session: Session, rev: Revision) -> str | None:
    """The corrective action (CAR reference) whose action raised this issue, if any."""
    return session.exec(
        select(CorrectiveActionRequest.ref)
        .join(CapaAction, col(CapaAction.capa_id) == CorrectiveActionRequest.id)
        .where(CapaAction.revision_id == rev.id)
    ).first()


def _update_draft(
    session: Session,
    doc: Document,
    rev: Revision,
    actor: User,
    body: str | None,
    reason: str | None,
    description: str | None,
    *,
    based_on: str | None = None,
) -> Revision:
    car = raised_by(session, rev) if reason is not None else None
    if car is not None and car not in clean(reason or ""):
        raise ValidationError(
            "{issue} was raised by corrective action {car}; its reason for change must cite it",
            issue=_label(doc, rev),
            car=car,
        )
    old = {"content_hash": rev.content_hash, "reason": rev.reason, "description": rev.description}
    if body is not None:
        rev.body = _accepted_body(session, body)
    if reason is not None:
        rev.reason = clean(reason)
    if description is not None:
        rev.description = clean(description)
    rev.content_hash = signatures.revision_hash(doc, rev)
    stale = based_on is not None and based_on != old["content_hash"]
    if stale and rev.content_hash != old["content_hash"]:
        refusal = _changed_meanwhile(doc, rev)
        session.expire(rev)  # nothing of this save is kept, not even in memory
        raise refusal
    rev.updated_at = utcnow()
    session.add(rev)
    new = {"content_hash": rev.content_hash, "reason": rev.reason, "description": rev.description}
    if new != old:
        trail.record(
            session,
            actor=actor.username,
            action="revision.edit",
            entity="revision",
            entity_id=_entity_id(doc, rev),
            payload={"old": old, "new": new},
        )
    session.commit()
    return rev


def _changed_meanwhile(doc: Document, rev: Revision | None) -> Conflict:
    return Conflict(
        "{issue} has changed since you started editing it; look at what changed and save again",
        issue=_label(doc, rev) if rev is not None else doc.code,
    )


def submit(
    session: Session,
    *,
    actor: User,
    code: str,
    password: str,
    reviewer: str | None = None,
    approver: str | None = None,
    limits: SigningLimits | None = None,
) -> Revision:
    """The drafter signs the draft and sends it for review (optionally to named people)."""
    doc = lock_document(session, code)
    rev = checks.check_submit(session, actor, doc)
    reviewer_user = _assignee(session, reviewer, Role.REVIEWER, doc, rev, actor)
    approver_user = _assignee(session, approver, Role.APPROVER, doc, rev, actor)
    if reviewer_user and approver_user and reviewer_user.id == approver_user.id:
        raise ValidationError("the reviewer and the approver must be different people")
    signatures.sign(
        session,
        doc=doc,
        rev=rev,
        signer=actor,
        meaning=Meaning.DRAFTED,
        password=password,
        limits=limits,
    )
    rev.reviewer_id = reviewer_user.id if reviewer_user else None
    rev.approver_id = approver_user.id if approver_user else None
    set_status(
        session,
        actor=actor,
        doc=doc,
        rev=rev,
        status=RevisionStatus.IN_REVIEW,
        action="submit",
        details={
            "reviewer": reviewer_user.username if reviewer_user else None,
            "approver": approver_user.username if approver_user else None,
        },
    )
    notices.review_requested(session, doc=doc, rev=rev, by=actor)
    session.commit()
    return rev


def _assignee(
    session: Session,
    username: str | None,
    wanted: Role,
    doc: Document,
    rev: Revision,
    drafter: User,
) -> User | None:
    if not username:
        return None
    user = users.get_active_user(session, username)
    if wanted not in users.roles_of(session, user):
        raise ValidationError(
            "{user} does not have the {role} role", user=user.username, role=role_word(wanted)
        )
    if user.id == drafter.id:
        raise ValidationError(
            "the drafter of {issue} cannot also be its {role}",
            issue=_label(doc, rev),
            role=role_word(wanted),
        )
    return user


def review(
    session: Session,
    *,
    actor: User,
    code: str,
    accept: bool,
    comment: str = "",
    password: str | None = None,
    limits: SigningLimits | None = None,
) -> Revision:
    """Accept (and sign as reviewed) or return the issue for changes with comments.

    Reviewers accept; reviewers and approvers may return. Nobody reviews their own draft.
    """
    doc = lock_document(session, code)
    check = checks.check_accept if accept else checks.check_return
    rev = check(session, actor, doc)
    comment = clean(comment)
    if accept:
        if password is None:
            raise ValidationError("accepting a review is a signature: give your password").about(
                "password", option=""
            )
        signatures.sign(
            session,
            doc=doc,
            rev=rev,
            signer=actor,
            meaning=Meaning.REVIEWED,
            password=password,
            limits=limits,
        )
    else:
        if not comment:
            raise ValidationError("say what must change when returning an issue").about("comment")
    outcome = CommentOutcome.ACCEPTED if accept else CommentOutcome.RETURNED
    if comment:
        session.add(
            ReviewComment(
                revision_id=pk(rev),
                author_id=pk(actor),
                outcome=outcome,
                body=comment,
                created_at=utcnow(),
            )
        )
    if accept:  # the issue stays in review, waiting for approval
        trail.record(
            session,
            actor=actor.username,
            action="revision.review_accepted",
            entity="revision",
            entity_id=_entity_id(doc, rev),
            payload={
                "old": {"status": rev.status},
                "new": {"status": rev.status},
                "reason": comment,
            },
        )
        notices.approval_requested(session, doc=doc, rev=rev, by=actor)
    else:
        set_status(
            session,
            actor=actor,
            doc=doc,
            rev=rev,
            status=RevisionStatus.DRAFT,
            action="review_returned",
            reason=comment,
        )
        notices.returned(session, doc=doc, rev=rev, by=actor, comment=comment)
    session.commit()
    return rev


def approve(
    session: Session,
    *,
    actor: User,
    code: str,
    password: str,
    effective_date: date | None = None,
    content_hash: str | None = None,
    limits: SigningLimits | None = None,
) -> Revision:
    """Sign the reviewed issue for issue; it takes effect on ``effective_date`` (default today).

    ``content_hash`` is the hash of the text the approver was shown: if the issue has
    changed since, nothing is signed."""
    doc = lock_document(session, code)
    rev = checks.check_approve(session, actor, doc)
    if content_hash is not None and content_hash != rev.content_hash:
        raise ValidationError("The issue changed after you opened it; review it again.")
    today = organisation.today(session)
    when = effective_date or today
    if when < today:
        raise ValidationError("the effective date {date} is in the past", date=day(when)).about(
            "effective_date"
        )
    signatures.sign(
        session,
        doc=doc,
        rev=rev,
        signer=actor,
        meaning=Meaning.APPROVED,
        password=password,
        limits=limits,
    )
    rev.planned_effective_date = when
    set_status(
        session,
        actor=actor,
        doc=doc,
        rev=rev,
        status=RevisionStatus.APPROVED,
        action="approve",
        details={"planned_effective_date": when},
    )
    notices.approved(session, doc=doc, rev=rev, by=actor, effective=when, today=today)
    session.commit()
    return rev


def publish(session: Session, *, actor: User, code: str) -> Revision:
    """Make the approved issue effective and supersede the previous one, atomically."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("publish documents"))
    doc = lock_document(session, code)
    rev = checks.check_publish(session, actor, doc)
    today = organisation.today(session)
    take_effect(session, actor=actor, doc=doc, rev=rev, reviewed_on=today)
    session.commit()
    return rev


def take_effect(
    session: Session,
    *,
    actor: User,
    doc: Document,
    rev: Revision,
    reviewed_on: date,
    action: str = "publish",
    details: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
    reason: str | None = None,
    copies: renditions.PendingCopies | None = None,
    with_issue: Callable[[Revision], None] | None = None,
) -> Revision | None:
    """Make an approved issue effective, whatever its origin (publishing it, publishing
    what is due, importing an issue approved on paper), in the caller's transaction.

    The previous effective issue is superseded, the new status goes on the trail as
    ``revision.<action>`` (with ``details``, ``old`` and ``reason`` as for
    :func:`set_status`), the search index takes the new body and the controlled PDF is
    rendered and stored; with ``copies``, several issues taking effect together are
    rendered at once and stored by ``copies.store`` before the caller commits.
    ``with_issue`` saves what belongs to the issue and shows on its PDF (approvals on
    paper), once the issue has its id and before the PDF is rendered. Returns the
    superseded issue, if there was one.
    """
    now = utcnow()
    previous = documents.effective_revision(session, doc)
    if previous is not None:
        previous.superseded_at = now
        # Flushed: the old issue leaves "effective" before the new one enters it.
        superseded_from = _change_status(session, previous, RevisionStatus.SUPERSEDED, at=now)
    rev.effective_at = now
    doc.last_reviewed_on = reviewed_on
    session.add(doc)
    approved_from = _change_status(session, rev, RevisionStatus.EFFECTIVE, at=now)
    if with_issue is not None:
        with_issue(rev)
        session.flush()
    search.index_document(session, doc, rev.body)
    # Rendered before anything goes on the trail: writing the trail takes the lock that
    # every writer queues for until this transaction ends, and a render takes seconds.
    pdf = renditions.controlled_pdf(session, doc, rev) if copies is None else None
    if previous is not None:
        _record_status(
            session,
            actor=actor,
            doc=doc,
            rev=previous,
            before=superseded_from,
            action="supersede",
            reason=f"replaced by issue {rev.issue}",
        )
    _record_status(
        session,
        actor=actor,
        doc=doc,
        rev=rev,
        before=approved_from,
        action=action,
        details={"effective_at": now, "content_hash": rev.content_hash, **(details or {})},
        old=old,
        reason=reason,
    )
    if pdf is not None:
        renditions.store_controlled_pdf(session, actor=actor.username, doc=doc, rev=rev, data=pdf)
    else:
        assert copies is not None
        copies.add(session, actor=actor.username, doc=doc, rev=rev)
    if action == "publish":  # not issues imported as they were approved on paper
        notices.new_issue_to_read(session, doc=doc, rev=rev)
    records_list.issue_took_effect(session, actor=actor.username, doc=doc, rev=rev)
    return previous


def set_status(
    session: Session,
    *,
    actor: User,
    doc: Document,
    rev: Revision,
    status: RevisionStatus,
    action: str,
    details: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    """Change an issue's state and put the transition on the trail as ``revision.<action>``
    with the old and new status: ``details`` go beside the new status, ``old`` beside the
    old one, and ``reason`` (when given, even empty) beside both. Flushed, so a partial
    unique index sees the change before the next one; an issue not yet saved is saved here.
    """
    before = _change_status(session, rev, status, at=at)
    _record_status(
        session,
        actor=actor,
        doc=doc,
        rev=rev,
        before=before,
        action=action,
        details=details,
        old=old,
        reason=reason,
    )


def _change_status(
    session: Session, rev: Revision, status: RevisionStatus, *, at: datetime | None
) -> str:
    """Set and flush an issue's state (see :func:`set_status`); the state it had."""
    before = rev.status
    rev.status = status.value
    rev.updated_at = at or utcnow()
    session.add(rev)
    session.flush()
    search_index.refresh(session, rev.document_id)
    return before


def _record_status(
    session: Session,
    *,
    actor: User,
    doc: Document,
    rev: Revision,
    before: str,
    action: str,
    details: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """The trail event of a state change made by :func:`_change_status`."""
    payload: dict[str, Any] = {
        "old": {"status": before, **(old or {})},
        "new": {"status": rev.status, **(details or {})},
    }
    if reason is not None:
        payload["reason"] = reason
    trail.record(
        session,
        actor=actor.username,
        action=f"revision.{action}",
        entity="revision",
        entity_id=_entity_id(doc, rev),
        payload=payload,
    )


def obsolete(session: Session, *, actor: User, code: str, reason: str) -> Document:
    """Withdraw a document: its effective issue and any issue in progress become obsolete."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("withdraw documents"))
    reason = one_line(reason, field=Text("reason"))
    if not reason:
        raise ValidationError("give the reason for withdrawing the document").about("reason")
    doc = lock_document(session, code)
    targets = checks.check_withdraw(session, actor, doc)
    now = utcnow()
    for rev in targets:
        rev.superseded_at = now
        set_status(
            session,
            actor=actor,
            doc=doc,
            rev=rev,
            status=RevisionStatus.OBSOLETE,
            action="obsolete",
            reason=reason,
            at=now,
        )
    search.index_document(session, doc, "")  # no effective body left to find it by
    records_list.document_withdrawn(session, actor=actor.username, doc=doc)
    session.commit()
    return doc


def acknowledge(session: Session, *, actor: User, code: str) -> tuple[Acknowledgement, bool]:
    """Confirm having read the effective issue; also says whether the acknowledgement is new."""
    doc = documents.get_document(session, code)
    rev = checks.check_acknowledge(session, actor, doc)
    existing = session.exec(
        select(Acknowledgement)
        .where(Acknowledgement.revision_id == rev.id)
        .where(Acknowledgement.user_id == actor.id)
    ).first()
    if existing is not None:
        return existing, False
    ack = Acknowledgement(revision_id=pk(rev), user_id=pk(actor), acknowledged_at=utcnow())
    session.add(ack)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="revision.acknowledge",
        entity="revision",
        entity_id=_entity_id(doc, rev),
        payload={"new": {"acknowledged_by": actor.username}},
    )
    session.commit()
    return ack, True


@dataclass(frozen=True)
class RevisionDetail:
    document: Document
    revision: Revision
    department_code: str
    drafted_by: str | None
    signatures: list[signatures.SignatureView]
    comments: list[tuple[ReviewComment, str]]
    acknowledged_by: list[str]
    history: list[Revision]  # every issue the viewer may see, oldest first
    capa_ref: str | None = None  # the corrective action that raised this issue, if any
    steps: tuple[checks.Step, ...] = ()  # what the viewer may do to the document now
    content_hash: str = ""  # of its text, computed now (not the stored value)
    mismatches: tuple[Mismatch, ...] = ()  # how it differs from the trail's record of it
    paper: paper_records.PaperRecord = field(default_factory=paper_records.PaperRecord)

    @property
    def stage(self) -> str:
        """Where the issue stands: its status, or ``reviewed`` for an issue in review that
        carries a valid review signature (reviewed, awaiting approval)."""
        if self.revision.status == RevisionStatus.IN_REVIEW and signatures.valid_signers(
            self.signatures, Meaning.REVIEWED
        ):
            return REVIEWED
        return self.revision.status


def detail(
    session: Session,
    *,
    viewer: User | None,
    code: str,
    issue: int | None = None,
    language: str = "en",
) -> RevisionDetail:
    """One issue in full; ``mismatches`` say in ``language`` how it differs from what the
    trail recorded (its text, signatures, stored PDF)."""
    doc, rev = documents.get_revision(session, viewer=viewer, code=code, issue=issue)
    roles = users.roles_of(session, viewer) if viewer else set()
    history = documents.revisions_of(session, doc)
    if not documents.visible_to_all(roles):
        history = [r for r in history if r.status == RevisionStatus.EFFECTIVE]
    drafter = session.get(User, rev.drafted_by_id) if rev.drafted_by_id else None
    comments = session.exec(
        select(ReviewComment, User)
        .join(User, col(User.id) == ReviewComment.author_id)
        .where(ReviewComment.revision_id == rev.id)
        .order_by(col(ReviewComment.created_at))
    ).all()
    acks = session.exec(
        select(User.username)
        .join(Acknowledgement, col(Acknowledgement.user_id) == User.id)
        .where(Acknowledgement.revision_id == rev.id)
        .order_by(col(User.username))
    ).all()
    dept = users.department_by_id(session, doc.department_id)
    return RevisionDetail(
        document=doc,
        revision=rev,
        department_code=dept.code,
        drafted_by=drafter.username if drafter else None,
        signatures=signatures.signatures_of(session, doc, rev),
        comments=[(c, u.username) for c, u in comments],
        acknowledged_by=list(acks),
        history=history,
        capa_ref=raised_by(session, rev),
        paper=paper_records.record_of(session, rev),
        steps=checks.steps_for(session, viewer, doc),
        content_hash=signatures.revision_hash(doc, rev),
        mismatches=issue_mismatches(session, doc, rev, language=language),
    )
