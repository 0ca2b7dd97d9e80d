"""Read views of documents as plain values: what ``qms doc ... --format json`` prints and
what ``/api/documents`` answers, one shape for both (see :mod:`qms.views`).

Names: ``type`` (the document type), ``department`` (its code), ``username`` for who signed,
``created_at`` for when a comment was written; a register row's issues are whole
:class:`IssueView` objects under ``effective`` and ``in_progress``.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from qms.domain import IN_PROGRESS
from qms.models import Revision, User
from qms.services.documents import register as documents
from qms.services.documents import revisions, search
from qms.services.documents.paper import PaperLine, PaperSigner
from qms.services.documents.steps import Step
from qms.services.integrity.report import Mismatch
from qms.services.people import organisation


@dataclass(frozen=True)
class IssueView:
    """One issue of a document, without its text."""

    issue: int
    status: str
    content_hash: str
    planned_effective_date: date | None
    effective_at: datetime | None  # when the system made it effective (or imported it)
    effective_date: date | None  # the date it takes or took effect, as printed on it
    reason: str
    description: str


def issue_view(rev: Revision, zone: str = "UTC") -> IssueView:
    """``rev`` as plain values; ``zone`` is the organisation's time zone, in which an
    issue published here took effect on the day it was published."""
    return IssueView(
        issue=rev.issue,
        status=rev.status,
        content_hash=rev.content_hash,
        planned_effective_date=rev.planned_effective_date,
        effective_at=rev.effective_at,
        effective_date=documents.effective_day(rev, zone),
        reason=rev.reason,
        description=rev.description,
    )


@dataclass(frozen=True)
class DocumentRow:
    """A document in the register: its effective issue and the one in progress (the
    latter only for people who may see drafts)."""

    code: str
    title: str
    type: str
    department: str
    language: str
    withdrawn: bool
    effective: IssueView | None
    in_progress: IssueView | None


def row_view(row: documents.RegisterRow, zone: str = "UTC") -> DocumentRow:
    doc = row.document
    return DocumentRow(
        code=doc.code,
        title=doc.title,
        type=doc.doc_type,
        department=row.department.code,
        language=doc.language,
        withdrawn=row.withdrawn,
        effective=issue_view(row.current, zone) if row.current else None,
        in_progress=issue_view(row.in_progress, zone) if row.in_progress else None,
    )


@dataclass(frozen=True)
class DocumentPage:
    """One page of the register."""

    total: int
    page: int
    per_page: int
    items: list[DocumentRow]


def register_page(
    session: Session,
    *,
    viewer: User | None,
    search_text: str | None = None,
    doc_type: str | None = None,
    department: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = search.PAGE_SIZE,
) -> DocumentPage:
    result = search.register_page(
        session,
        viewer=viewer,
        search=search_text,
        doc_type=doc_type,
        department=department,
        status=status,
        page=page,
        per_page=per_page,
    )
    zone = organisation.get_setting(session, "timezone")
    items = [row_view(row, zone) for row in result.rows]
    return DocumentPage(total=result.total, page=result.page, per_page=result.per_page, items=items)


def register(
    session: Session,
    *,
    viewer: User | None,
    search_text: str | None = None,
    doc_type: str | None = None,
    department: str | None = None,
    status: str | None = None,
) -> list[DocumentRow]:
    """The whole register, filtered, in Vietnamese title order: the same search and
    filters as the register's pages (:func:`search.register_page`), without paging."""
    rows = search.register_rows(
        session,
        viewer=viewer,
        filters=search.RegisterFilter(search_text, doc_type, department, status),
    )
    zone = organisation.get_setting(session, "timezone")
    return [row_view(row, zone) for row in rows]


def document_row(session: Session, *, viewer: User | None, code: str) -> DocumentRow:
    doc = documents.get_document(session, code)
    zone = organisation.get_setting(session, "timezone")
    return row_view(search.register_row(session, viewer=viewer, doc=doc), zone)


@dataclass(frozen=True)
class SignatureItem:
    meaning: str
    username: str
    printed_name: str
    position: str
    signed_at: datetime
    content_hash: str
    valid: bool  # the issue still has the content hash that was signed
    superseded: bool  # made on a text that a later round (after a return) replaced


@dataclass(frozen=True)
class CommentItem:
    author: str
    outcome: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class IssueDetail:
    """One issue in full, and the steps the viewer may take on its document now."""

    code: str
    title: str
    type: str
    department: str
    language: str
    issuer: str
    external_ref: str
    external_version: str
    checked_current_on: date | None
    issue: int
    status: str
    stage: str  # the status, or "reviewed" for an issue in review awaiting approval
    content_hash: str  # of its text, computed now: a stored hash is never shown unchecked
    reason: str
    description: str
    planned_effective_date: date | None
    effective_at: datetime | None
    effective_date: date | None  # as printed on it (an imported issue: the date on paper)
    superseded_at: datetime | None
    origin: str
    drafted_by: str | None
    capa_ref: str | None
    signatures: list[SignatureItem]
    paper_signatures: list[PaperSigner]  # signed by hand, before the system
    paper_history: list[PaperLine]  # issues in force before the system
    comments: list[CommentItem]
    acknowledged_by: list[str]
    history: list[IssueView]  # every issue the viewer may see, oldest first
    in_progress: IssueView | None  # the issue in draft, review or approval (not for staff)
    steps: tuple[Step, ...]
    body: str
    mismatches: list[Mismatch]  # how it differs from the trail's record (empty: intact)


def issue_detail(
    session: Session,
    *,
    viewer: User | None,
    code: str,
    issue: int | None = None,
    language: str = "en",
) -> IssueDetail:
    """The issue a viewer asked for (see :func:`documents.get_revision`), as plain values;
    the mismatches are told in ``language``."""
    info = revisions.detail(session, viewer=viewer, code=code, issue=issue, language=language)
    return detail_view(info, organisation.get_setting(session, "timezone"))


def detail_view(info: revisions.RevisionDetail, zone: str = "UTC") -> IssueDetail:
    doc, rev = info.document, info.revision
    return IssueDetail(
        code=doc.code,
        title=doc.title,
        type=doc.doc_type,
        department=info.department_code,
        language=doc.language,
        issuer=doc.issuer,
        external_ref=doc.external_ref,
        external_version=doc.external_version,
        checked_current_on=doc.checked_current_on,
        issue=rev.issue,
        status=rev.status,
        stage=info.stage,
        content_hash=info.content_hash,
        reason=rev.reason,
        description=rev.description,
        planned_effective_date=rev.planned_effective_date,
        effective_at=rev.effective_at,
        superseded_at=rev.superseded_at,
        origin=rev.origin,
        drafted_by=info.drafted_by,
        capa_ref=info.capa_ref,
        signatures=[
            SignatureItem(
                meaning=v.signature.meaning,
                username=v.username,
                printed_name=v.signature.printed_name,
                position=v.signature.position,
                signed_at=v.signature.signed_at,
                content_hash=v.signature.content_hash,
                valid=v.valid,
                superseded=v.superseded,
            )
            for v in info.signatures
        ],
        comments=[
            CommentItem(author=author, outcome=c.outcome, body=c.body, created_at=c.created_at)
            for c, author in info.comments
        ],
        acknowledged_by=info.acknowledged_by,
        effective_date=documents.effective_day(rev, zone),
        paper_signatures=list(info.paper.signers),
        paper_history=list(info.paper.history),
        history=[issue_view(h, zone) for h in info.history],
        in_progress=next(
            (issue_view(h, zone) for h in info.history if h.status in IN_PROGRESS), None
        ),
        steps=info.steps,
        body=rev.body,
        mismatches=list(info.mismatches),
    )


def history(session: Session, *, viewer: User | None, code: str) -> list[IssueView]:
    """Every issue of a document the viewer may see, oldest first."""
    return issue_detail(session, viewer=viewer, code=code).history
