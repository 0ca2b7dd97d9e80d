"""The JSON API under ``/api``: documents and their issues, with the same sign-in (the
session cookie), the same rules (the services) and the ``X-CSRF-Token`` header on every
state-changing request. Errors are ``{"error": {"status": ..., "message": ...}}``."""

import secrets
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from qms.models import Document, Revision, User
from qms.services.documents import register as documents
from qms.services.documents import renditions, revisions, search
from qms.services.people import logins, users
from qms.web.deps import CurrentUser, Db, MaybeUser, auth_tag
from qms.web.pages import CSRF_SESSION_KEY, csrf_token
from qms.web.routes.documents import pdf_response

router = APIRouter(tags=["documents"])


class SessionOut(BaseModel):
    username: str | None
    roles: list[str]
    csrf_token: str = Field(description="Send it as X-CSRF-Token on POST requests.")


class SignIn(BaseModel):
    username: str
    password: str


class IssueOut(BaseModel):
    issue: int
    status: str
    content_hash: str
    planned_effective_date: date | None
    effective_at: datetime | None
    reason: str
    description: str


class DocumentOut(BaseModel):
    code: str
    title: str
    type: str
    department: str
    language: str
    withdrawn: bool
    effective: IssueOut | None
    in_progress: IssueOut | None


class DocumentPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[DocumentOut]


class SignatureOut(BaseModel):
    username: str
    printed_name: str
    meaning: str
    signed_at: datetime
    content_hash: str
    valid: bool


class CommentOut(BaseModel):
    author: str
    outcome: str
    body: str
    created_at: datetime


class RevisionDetailOut(IssueOut):
    code: str
    title: str
    body: str
    drafted_by: str | None
    signatures: list[SignatureOut]
    comments: list[CommentOut]
    acknowledged_by: list[str]


class NewDocument(BaseModel):
    code: str
    title: str
    type: str
    department: str
    body: str = ""
    language: str = "vi"
    owner: str | None = None
    review_interval_months: int = 12


class DraftChange(BaseModel):
    body: str | None = None
    reason: str | None = None
    description: str | None = None


class Submission(BaseModel):
    password: str
    reviewer: str | None = None
    approver: str | None = None


class ReviewDecision(BaseModel):
    accept: bool
    comment: str = ""
    password: str | None = None


class Approval(BaseModel):
    password: str
    effective_date: date | None = None
    # The hash of the text the approver was shown: a changed issue is then refused.
    content_hash: str | None = None


class Acknowledged(BaseModel):
    code: str
    issue: int
    new: bool


def _issue(rev: Revision) -> IssueOut:
    return IssueOut(
        issue=rev.issue,
        status=rev.status,
        content_hash=rev.content_hash,
        planned_effective_date=rev.planned_effective_date,
        effective_at=rev.effective_at,
        reason=rev.reason,
        description=rev.description,
    )


def _document(row: documents.RegisterRow) -> DocumentOut:
    doc = row.document
    return DocumentOut(
        code=doc.code,
        title=doc.title,
        type=doc.doc_type,
        department=row.department.code,
        language=doc.language,
        withdrawn=row.withdrawn,
        effective=_issue(row.current) if row.current else None,
        in_progress=_issue(row.in_progress) if row.in_progress else None,
    )


def _one(session: Db, user: User, doc: Document) -> DocumentOut:
    return _document(search.register_row(session, viewer=user, doc=doc))


@router.get("/session", response_model=SessionOut)
def session_info(request: Request, session: Db, user: MaybeUser) -> SessionOut:
    """Who is signed in, and the anti-forgery token for POST requests."""
    roles = sorted(r.value for r in users.roles_of(session, user)) if user else []
    return SessionOut(
        username=user.username if user else None, roles=roles, csrf_token=csrf_token(request)
    )


@router.post("/session", response_model=SessionOut)
def sign_in(request: Request, session: Db, credentials: SignIn) -> SessionOut:
    """Sign in (throttled like the sign-in page); the session cookie is set."""
    client = request.client.host if request.client else ""
    user = logins.sign_in(
        session, username=credentials.username, password=credentials.password, client=client
    )
    token = secrets.token_urlsafe(32)
    request.session.clear()
    request.session.update({"uid": user.id, "auth": auth_tag(user), CSRF_SESSION_KEY: token})
    roles = sorted(r.value for r in users.roles_of(session, user))
    return SessionOut(username=user.username, roles=roles, csrf_token=token)


@router.get("/documents", response_model=DocumentPage)
def list_documents(
    session: Db,
    user: CurrentUser,
    q: str = "",
    doc_type: Annotated[str, Query(alias="type")] = "",
    dept: str = "",
    status: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = search.PAGE_SIZE,
) -> DocumentPage:
    result = search.register_page(
        session,
        viewer=user,
        search=q or None,
        doc_type=doc_type or None,
        department=dept or None,
        status=status or None,
        page=page,
        per_page=per_page,
    )
    return DocumentPage(
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        items=[_document(row) for row in result.rows],
    )


@router.post("/documents", response_model=DocumentOut, status_code=201)
def create_document(session: Db, user: CurrentUser, new: NewDocument) -> DocumentOut:
    doc, _ = revisions.create_document(
        session,
        actor=user,
        code=new.code,
        title=new.title,
        doc_type=new.type,
        department=new.department,
        body=new.body,
        language=new.language,
        owner=new.owner,
        review_interval_months=new.review_interval_months,
    )
    return _one(session, user, doc)


@router.get("/documents/{code}", response_model=DocumentOut)
def get_document(session: Db, user: CurrentUser, code: str) -> DocumentOut:
    documents.get_revision(session, viewer=user, code=code)  # staff: effective ones only
    return _one(session, user, documents.get_document(session, code))


@router.get("/documents/{code}/revisions", response_model=list[IssueOut])
def list_revisions(session: Db, user: CurrentUser, code: str) -> list[IssueOut]:
    detail = revisions.detail(session, viewer=user, code=code)
    return [_issue(rev) for rev in detail.history]


@router.get("/documents/{code}/revisions/{issue}", response_model=RevisionDetailOut)
def get_revision(session: Db, user: CurrentUser, code: str, issue: int) -> RevisionDetailOut:
    detail = revisions.detail(session, viewer=user, code=code, issue=issue)
    rev = detail.revision
    return RevisionDetailOut(
        **_issue(rev).model_dump(),
        code=detail.document.code,
        title=detail.document.title,
        body=rev.body,
        drafted_by=detail.drafted_by,
        signatures=[
            SignatureOut(
                username=v.username,
                printed_name=v.signature.printed_name,
                meaning=v.signature.meaning,
                signed_at=v.signature.signed_at,
                content_hash=v.signature.content_hash,
                valid=v.valid,
            )
            for v in detail.signatures
        ],
        comments=[
            CommentOut(author=a, outcome=c.outcome, body=c.body, created_at=c.created_at)
            for c, a in detail.comments
        ],
        acknowledged_by=detail.acknowledged_by,
    )


@router.get(
    "/documents/{code}/revisions/{issue}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def revision_pdf(session: Db, user: CurrentUser, code: str, issue: int) -> Response:
    doc, rev, data = renditions.document_pdf(session, viewer=user, code=code, issue=issue)
    return pdf_response(data, doc.code, rev.issue)


@router.post("/documents/{code}/revise", response_model=IssueOut)
def revise(session: Db, user: CurrentUser, code: str, change: DraftChange) -> IssueOut:
    rev = revisions.revise(
        session,
        actor=user,
        code=code,
        body=change.body,
        reason=change.reason,
        description=change.description,
    )
    return _issue(rev)


@router.post("/documents/{code}/submit", response_model=IssueOut)
def submit(session: Db, user: CurrentUser, code: str, submission: Submission) -> IssueOut:
    rev = revisions.submit(
        session,
        actor=user,
        code=code,
        password=submission.password,
        reviewer=submission.reviewer,
        approver=submission.approver,
    )
    return _issue(rev)


@router.post("/documents/{code}/review", response_model=IssueOut)
def review(session: Db, user: CurrentUser, code: str, decision: ReviewDecision) -> IssueOut:
    rev = revisions.review(
        session,
        actor=user,
        code=code,
        accept=decision.accept,
        comment=decision.comment,
        password=decision.password,
    )
    return _issue(rev)


@router.post("/documents/{code}/approve", response_model=IssueOut)
def approve(session: Db, user: CurrentUser, code: str, approval: Approval) -> IssueOut:
    rev = revisions.approve(
        session,
        actor=user,
        code=code,
        password=approval.password,
        effective_date=approval.effective_date,
        content_hash=approval.content_hash,
    )
    return _issue(rev)


@router.post("/documents/{code}/publish", response_model=IssueOut)
def publish(session: Db, user: CurrentUser, code: str) -> IssueOut:
    rev = revisions.publish(session, actor=user, code=code)
    return _issue(rev)


@router.post("/documents/{code}/acknowledge", response_model=Acknowledged)
def acknowledge(session: Db, user: CurrentUser, code: str) -> Acknowledged:
    doc = documents.get_document(session, code)
    _, created = revisions.acknowledge(session, actor=user, code=code)
    rev = documents.effective_revision(session, doc)
    assert rev is not None
    return Acknowledged(code=doc.code, issue=rev.issue, new=created)
