"""The staff portal: the documents in force for a department, and which of them the
viewer has still to acknowledge."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from qms.domain import DocType, RevisionStatus
from qms.models import Acknowledgement, Document, Revision, User
from qms.services.people import users

PORTAL_TYPES = [t.value for t in DocType]


@dataclass(frozen=True)
class PortalEntry:
    document: Document
    revision: Revision
    acknowledged: bool


def portal(session: Session, *, viewer: User, department: str) -> list[PortalEntry]:
    """Effective documents of ``department`` by type (manuals and policies first), each
    marked with whether the viewer acknowledged its current issue."""
    dept = users.get_department(session, department)
    rows = session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(Revision.status == RevisionStatus.EFFECTIVE.value)
        .where(Document.department_id == dept.id)
    ).all()
    ids = [rev.id for _, rev in rows]
    acknowledged = set(
        session.exec(
            select(Acknowledgement.revision_id)
            .where(col(Acknowledgement.revision_id).in_(ids))
            .where(Acknowledgement.user_id == viewer.id)
        ).all()
        if ids
        else []
    )
    entries = [PortalEntry(doc, rev, rev.id in acknowledged) for doc, rev in rows]
    return sorted(
        entries,
        key=lambda e: (
            PORTAL_TYPES.index(e.document.doc_type),
            e.document.title_sort_key,
            e.document.code,
        ),
    )
