"""Who may take which step on a document, and in which state: one check per step.

Each command calls its check first; a read view calls the same checks to say which steps
it offers, so a page or a script never offers a step the command would refuse. A check
raises the refusal the command raises (``qms.errors``) and changes nothing. What a step
still needs from the user (a password, a comment, an effective date) is checked by the
command itself.
"""

from enum import StrEnum

from sqlmodel import Session, col, select

from qms.domain import Meaning, RevisionStatus, Role
from qms.errors import InvalidTransition, PermissionDenied, QMSError, Text, ValidationError
from qms.models import Document, Revision, User
from qms.phrases import any_state, day, state
from qms.services.documents import bodies, signatures
from qms.services.documents import register as documents
from qms.services.documents.register import in_progress_revision
from qms.services.people import organisation, users


class Step(StrEnum):
    """The steps a viewer may take on a document, as read views list them."""

    REVISE = "revise"  # start the next issue as a draft
    EDIT = "edit"  # change one's own draft in progress
    SUBMIT = "submit"
    ACCEPT = "accept"  # review: accept and sign
    RETURN = "return"  # review: return for changes
    APPROVE = "approve"
    PUBLISH = "publish"
    ACKNOWLEDGE = "acknowledge"
    WITHDRAW = "withdraw"  # make the document obsolete
    PERIODIC_REVIEW = "periodic_review"  # record that it is still adequate


def label(doc: Document, rev: Revision) -> Text:
    return Text("{code} issue {issue}", code=doc.code, issue=rev.issue)


def require_in_progress(session: Session, doc: Document, *expected: RevisionStatus) -> Revision:
    """The issue in progress, refused unless it is in one of the ``expected`` states."""
    rev = in_progress_revision(session, doc)
    if rev is None or rev.status not in expected:
        found = (
            Text("issue {issue} is {state}", issue=rev.issue, state=state(rev.status))
            if rev
            else Text("no issue in progress")
        )
        raise InvalidTransition(
            "{code} has no issue {wanted}: {found}",
            code=doc.code,
            wanted=any_state(expected),
            found=found,
        )
    return rev


def _require_drafting(session: Session, actor: User) -> None:
    users.require_role(session, actor, Role.CONTROLLER, action=Text("draft revisions"))


def check_revise(session: Session, actor: User, doc: Document) -> None:
    """Starting the next issue: a controller, nothing in progress, not withdrawn."""
    _require_drafting(session, actor)
    current = in_progress_revision(session, doc)
    if current is not None:
        raise InvalidTransition(
            "{code} already has issue {issue} in progress ({state}); finish or withdraw it first",
            code=doc.code,
            issue=current.issue,
            state=state(current.status),
        )
    latest = session.exec(
        select(Revision).where(Revision.document_id == doc.id).order_by(col(Revision.issue).desc())
    ).first()
    if latest is not None and latest.status == RevisionStatus.OBSOLETE:
        raise InvalidTransition(
            "{code} has been withdrawn (obsolete); register a new document", code=doc.code
        )


def check_edit(session: Session, actor: User, doc: Document) -> Revision:
    """Changing the draft in progress: only its drafter, and only while it is a draft."""
    _require_drafting(session, actor)
    rev = in_progress_revision(session, doc)
    if rev is None:
        raise InvalidTransition("{code} has no draft in progress", code=doc.code)
    if rev.status != RevisionStatus.DRAFT:
        raise InvalidTransition(
            "{issue} is {state}; it can be edited only after it is returned for changes",
            issue=label(doc, rev),
            state=state(rev.status),
        )
    if rev.drafted_by_id != actor.id:
        raise PermissionDenied("{issue} is being drafted by someone else", issue=label(doc, rev))
    return rev


def check_drafting(session: Session, actor: User, doc: Document) -> Revision | None:
    """Saving a draft (what ``revise`` does): one's own draft in progress is edited, else
    the next issue starts. Returns the draft to edit, or None for a new issue."""
    _require_drafting(session, actor)
    if in_progress_revision(session, doc) is not None:
        return check_edit(session, actor, doc)
    check_revise(session, actor, doc)
    return None


def check_submit(session: Session, actor: User, doc: Document) -> Revision:
    """Sending the draft for review: its drafter, with a body within the caps of the
    controlled PDF and (from issue 2 on) a reason and description of change."""
    rev = require_in_progress(session, doc, RevisionStatus.DRAFT)
    if rev.drafted_by_id != actor.id:
        raise PermissionDenied("only the drafter of {issue} can submit it", issue=label(doc, rev))
    if not rev.body.strip():
        raise ValidationError("{issue} has an empty body", issue=label(doc, rev))
    if rev.issue >= 2 and not (rev.reason and rev.description):
        raise ValidationError(
            "{issue} needs a reason for change and a description of change "
            "(required from issue 2 on)",
            issue=label(doc, rev),
        )
    bodies.check(session, rev.body)
    return rev


def _check_reviewing(session: Session, actor: User, doc: Document, *allowed: Role) -> Revision:
    rev = require_in_progress(session, doc, RevisionStatus.IN_REVIEW)
    users.require_role(session, actor, *allowed, action=Text("review documents"))
    if rev.drafted_by_id == actor.id:
        raise PermissionDenied(
            "{user} drafted {issue} and cannot review it",
            user=actor.username,
            issue=label(doc, rev),
        )
    return rev


def check_accept(session: Session, actor: User, doc: Document) -> Revision:
    """Accepting a review: a reviewer other than the drafter, the one it was sent to (if
    any), before anyone has signed it as reviewed."""
    rev = _check_reviewing(session, actor, doc, Role.REVIEWER)
    if rev.reviewer_id is not None and rev.reviewer_id != actor.id:
        raise PermissionDenied("{issue} was sent to another reviewer", issue=label(doc, rev))
    views = signatures.signatures_of(session, doc, rev)
    if signatures.valid_signers(views, Meaning.REVIEWED):
        raise InvalidTransition("{issue} has already been reviewed", issue=label(doc, rev))
    return rev


def check_return(session: Session, actor: User, doc: Document) -> Revision:
    """Returning an issue for changes: a reviewer or approver other than the drafter."""
    return _check_reviewing(session, actor, doc, Role.REVIEWER, Role.APPROVER)


def check_approve(session: Session, actor: User, doc: Document) -> Revision:
    """Approving: an approver who neither drafted nor reviewed the issue, the one it was
    sent to (if any), once it carries valid drafted and reviewed signatures."""
    rev = require_in_progress(session, doc, RevisionStatus.IN_REVIEW)
    users.require_role(session, actor, Role.APPROVER, action=Text("approve documents"))
    if rev.drafted_by_id == actor.id:
        raise PermissionDenied(
            "{user} drafted {issue} and cannot approve it",
            user=actor.username,
            issue=label(doc, rev),
        )
    if rev.approver_id is not None and rev.approver_id != actor.id:
        raise PermissionDenied("{issue} was sent to another approver", issue=label(doc, rev))
    views = signatures.signatures_of(session, doc, rev)
    reviewed = signatures.valid_signers(views, Meaning.REVIEWED)
    if not signatures.valid_signers(views, Meaning.DRAFTED) or not reviewed:
        raise InvalidTransition(
            "{issue} needs a valid review signature before approval", issue=label(doc, rev)
        )
    if any(v.signature.user_id == actor.id for v in reviewed):
        raise PermissionDenied(
            "{user} reviewed {issue}; approval needs a second person",
            user=actor.username,
            issue=label(doc, rev),
        )
    return rev


def check_publish(session: Session, actor: User, doc: Document) -> Revision:
    """Making the approved issue effective: a controller, once its date has come."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("publish documents"))
    rev = require_in_progress(session, doc, RevisionStatus.APPROVED)
    today = organisation.today(session)
    if rev.planned_effective_date and rev.planned_effective_date > today:
        raise InvalidTransition(
            "{issue} takes effect on {date}, not before",
            issue=label(doc, rev),
            date=day(rev.planned_effective_date),
        )
    return rev


def check_acknowledge(session: Session, actor: User, doc: Document) -> Revision:
    """Acknowledging: anyone, for the effective issue (again is harmless)."""
    rev = documents.effective_revision(session, doc)
    if rev is None:
        raise InvalidTransition("{code} has no effective issue to acknowledge", code=doc.code)
    return rev


def check_withdraw(session: Session, actor: User, doc: Document) -> list[Revision]:
    """Withdrawing: a controller, while an issue is effective or in progress (those)."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("withdraw documents"))
    targets = [
        r
        for r in (documents.effective_revision(session, doc), in_progress_revision(session, doc))
        if r
    ]
    if not targets:
        raise InvalidTransition(
            "{code} has no effective or in-progress issue to withdraw", code=doc.code
        )
    return targets


CHECKS = {
    Step.REVISE: check_revise,
    Step.EDIT: check_edit,
    Step.SUBMIT: check_submit,
    Step.ACCEPT: check_accept,
    Step.RETURN: check_return,
    Step.APPROVE: check_approve,
    Step.PUBLISH: check_publish,
    Step.ACKNOWLEDGE: check_acknowledge,
    Step.WITHDRAW: check_withdraw,
    Step.PERIODIC_REVIEW: documents.check_periodic_review,
}


def steps_for(session: Session, viewer: User | None, doc: Document) -> tuple[Step, ...]:
    """The steps ``viewer`` may take on ``doc`` now: those whose check passes. Nobody
    (no viewer) takes steps."""
    if viewer is None or not viewer.active:
        return ()
    allowed = []
    for step, check in CHECKS.items():
        try:
            check(session, viewer, doc)
        except QMSError:
            continue
        allowed.append(step)
    return tuple(allowed)
