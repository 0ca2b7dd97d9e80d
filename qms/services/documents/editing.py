"""What the draft editor shows: the text an edit starts from, with the content hash its
save sends back (see ``revisions.revise``); and for a save that came after someone else's,
the text saved now beside the user's."""

from dataclasses import dataclass

from sqlmodel import Session

from qms.models import Document, Revision, User
from qms.services.documents import register as documents
from qms.services.documents import steps as checks
from qms.services.documents.diff import LineChange, diff_text


@dataclass(frozen=True)
class EditStart:
    document: Document
    draft: Revision | None  # the draft in progress; None: saving starts the next issue
    body: str
    reason: str
    description: str
    based_on: str  # the content hash of this text: the save sends it back


def edit_start(session: Session, *, actor: User, code: str) -> EditStart:
    """The draft in progress, or the effective text as the start of the next issue;
    refused as saving would be."""
    doc = documents.get_document(session, code)
    draft = checks.check_drafting(session, actor, doc)
    source = draft or documents.effective_revision(session, doc)
    return EditStart(
        document=doc,
        draft=draft,
        body=source.body if source else "",
        reason=draft.reason if draft else "",
        description=draft.description if draft else "",
        based_on=source.content_hash if source else "",
    )


@dataclass(frozen=True)
class EditConflict:
    """A save refused because the text changed after the user started editing it."""

    saved: EditStart  # what is saved now; saving again (based on it) replaces it
    changes: list[LineChange]  # from the saved body to the user's


def edit_conflict(session: Session, *, actor: User, code: str, body: str) -> EditConflict:
    saved = edit_start(session, actor=actor, code=code)
    return EditConflict(saved, diff_text(saved.body, body.replace("\r\n", "\n")))
