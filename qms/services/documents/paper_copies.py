"""Controlled paper copies: each printed copy of an issue has a number and a holder, and is
recalled, with the return confirmed, once the issue is no longer in force."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import RevisionStatus, Role
from qms.errors import Conflict, InvalidTransition, NotFound, Text, ValidationError
from qms.models import ControlledCopy, Document, Revision, User, pk
from qms.services.documents import register as documents
from qms.services.fields import one_line
from qms.services.people import users
from qms.services.trail import chain as trail

NOT_IN_FORCE = {RevisionStatus.SUPERSEDED.value, RevisionStatus.OBSOLETE.value}


@dataclass(frozen=True)
class CopyView:
    code: str
    issue: int
    copy_number: int
    holder: str
    issued_at: datetime
    recalled_at: datetime | None


@dataclass(frozen=True)
class CopyLine:
    copy: CopyView
    to_recall: bool


def register_copy(session: Session, *, actor: User, code: str, holder: str) -> CopyView:
    """Number a new paper copy of the effective issue, held by ``holder`` (controllers)."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("register paper copies"))
    holder = one_line(holder, field=Text("holder"))
    if not holder:
        raise ValidationError("say who holds the paper copy").about("holder")
    doc = documents.lock_document(session, code)
    rev = documents.effective_revision(session, doc)
    if rev is None:
        raise NotFound("{code} has no effective issue to copy", code=doc.code)
    last = session.exec(
        select(func.max(ControlledCopy.copy_number)).where(ControlledCopy.revision_id == rev.id)
    ).one()
    copy = ControlledCopy(
        revision_id=pk(rev),
        copy_number=(last or 0) + 1,
        holder=holder,
        issued_at=utcnow(),
        issued_by=actor.username,
    )
    session.add(copy)
    session.flush()
    _record(session, actor, doc, rev, copy, "copy.register", {"new": {"holder": holder}})
    session.commit()
    return _view(doc, rev, copy)


def confirm_recall(
    session: Session, *, actor: User, code: str, issue: int, copy_number: int
) -> CopyView:
    """Confirm that a paper copy of an issue no longer in force has come back (controllers)."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("recall paper copies"))
    doc = documents.lock_document(session, code)
    rev = session.exec(
        select(Revision).where(Revision.document_id == doc.id).where(Revision.issue == issue)
    ).first()
    copy = (
        session.exec(
            select(ControlledCopy)
            .where(ControlledCopy.revision_id == rev.id)
            .where(ControlledCopy.copy_number == copy_number)
        ).first()
        if rev is not None
        else None
    )
    if rev is None or copy is None:
        raise NotFound(
            "{code} issue {issue} has no paper copy {number}",
            code=doc.code,
            issue=issue,
            number=copy_number,
        )
    if rev.status not in NOT_IN_FORCE:
        raise InvalidTransition(
            "{code} issue {issue} is still in force: its copies are not recalled",
            code=doc.code,
            issue=issue,
        )
    if copy.recalled_at is not None:
        raise Conflict(
            "paper copy {number} of {code} issue {issue} is already recalled",
            number=copy_number,
            code=doc.code,
            issue=issue,
        )
    copy.recalled_at = utcnow()
    copy.recalled_by = actor.username
    session.add(copy)
    session.flush()
    _record(session, actor, doc, rev, copy, "copy.recall", {"new": {"recalled": True}})
    session.commit()
    return _view(doc, rev, copy)


def copies_of(session: Session, *, code: str) -> list[CopyLine]:
    """Every paper copy of the document's issues, newest issue first; each says whether it
    is still to be recalled."""
    doc = documents.get_document(session, code)
    rows = session.exec(
        select(Revision, ControlledCopy)
        .join(ControlledCopy, col(ControlledCopy.revision_id) == Revision.id)
        .where(Revision.document_id == doc.id)
        .order_by(col(Revision.issue).desc(), col(ControlledCopy.copy_number))
    ).all()
    return [
        CopyLine(_view(doc, rev, copy), rev.status in NOT_IN_FORCE and copy.recalled_at is None)
        for rev, copy in rows
    ]


@dataclass(frozen=True)
class CopiesPage:
    """A document's paper copies as its page shows them, with the steps the viewer may
    take: registering a copy of the effective issue, confirming recalls."""

    code: str
    title: str
    effective_issue: int | None
    lines: list[CopyLine]
    may_change: bool

    @property
    def may_register(self) -> bool:
        return self.may_change and self.effective_issue is not None

    @property
    def to_recall(self) -> int:
        return sum(1 for line in self.lines if line.to_recall)


def copies_page(session: Session, *, viewer: User, code: str) -> CopiesPage:
    """The paper copies of a document for its page (anyone signed in sees them; the
    controllers register and recall, as :func:`register_copy` and :func:`confirm_recall`
    check)."""
    doc = documents.get_document(session, code)
    rev = documents.effective_revision(session, doc)
    return CopiesPage(
        doc.code,
        doc.title,
        rev.issue if rev is not None else None,
        copies_of(session, code=doc.code),
        Role.CONTROLLER in users.roles_of(session, viewer),
    )


def _view(doc: Document, rev: Revision, copy: ControlledCopy) -> CopyView:
    return CopyView(
        doc.code, rev.issue, copy.copy_number, copy.holder, copy.issued_at, copy.recalled_at
    )


def _record(
    session: Session,
    actor: User,
    doc: Document,
    rev: Revision,
    copy: ControlledCopy,
    action: str,
    payload: dict[str, object],
) -> None:
    trail.record(
        session,
        actor=actor.username,
        action=action,
        entity="revision",
        entity_id=f"{doc.code}/{rev.issue}",
        payload={**payload, "copy": copy.copy_number},
    )
