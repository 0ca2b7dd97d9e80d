"""The JSON API under ``/api``: documents and their issues, with the same sign-in (the
session cookie), the same rules (the services) and the ``X-CSRF-Token`` header on every
state-changing request. Errors are ``{"error": {"status": ..., "message": ...}}``."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from qms.services.documents import register as documents
from qms.services.documents import renditions, revisions, search
from qms.services.documents import views as doc_views
from qms.services.documents.views import DocumentPage, DocumentRow, IssueDetail, IssueView
from qms.services.people import logins, users
from qms.web.deps import CurrentUser, Db, Limits, MaybeUser, lifetimes, start_session
from qms.web.errors import API_ERRORS, ApiError
from qms.web.pages import csrf_token
from qms.web.routes.api_params import WHOLE_NUMBER, WholeNumber
from qms.web.routes.documents import pdf_response
from qms.web.routes.responses import PDF_RESPONSE

router = APIRouter(tags=["documents"], responses=API_ERRORS)


class SessionOut(BaseModel):
    username: str | None
    roles: list[str]
    csrf_token: str = Field(description="Send it as X-CSRF-Token on POST requests.")


class SignIn(BaseModel):
    username: str
    password: str


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
    based_on: str | None = Field(
        default=None,
        description="The content_hash of the text the change was made to: the draft in "
        "progress, or with none the effective issue. A change to text that has changed "
        "since is refused with 409.",
    )


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


@router.get("/session", response_model=SessionOut)
def session_info(request: Request, session: Db, user: MaybeUser) -> SessionOut:
    """Who is signed in, and the anti-forgery token for POST requests."""
    roles = sorted(r.value for r in users.roles_of(session, user)) if user else []
    return SessionOut(
        username=user.username if user else None, roles=roles, csrf_token=csrf_token(request)
    )


@router.post(
    "/session",
    response_model=SessionOut,
    responses={429: {"model": ApiError, "description": "Too many failed sign-ins."}},
)
def sign_in(request: Request, session: Db, credentials: SignIn) -> SessionOut:
    """Sign in (throttled like the sign-in page); the session cookie is set."""
    client = request.client.host if request.client else ""
    signed = logins.sign_in(
        session,
        username=credentials.username,
        password=credentials.password,
        client=client,
        lifetimes=lifetimes(request),
    )
    start_session(request, signed.token)
    roles = sorted(r.value for r in users.roles_of(session, signed.user))
    return SessionOut(username=signed.user.username, roles=roles, csrf_token=csrf_token(request))


@router.get("/documents", response_model=DocumentPage)
def list_documents(
    session: Db,
    user: CurrentUser,
    q: str = "",
    doc_type: Annotated[str, Query(alias="type")] = "",
    dept: str = "",
    status: str = "",
    page: Annotated[int, Query(ge=1, le=100_000), WHOLE_NUMBER] = 1,
    per_page: Annotated[int, Query(ge=1, le=200), WHOLE_NUMBER] = search.PAGE_SIZE,
) -> DocumentPage:
    """The register, a page at a time (the items of ``qms doc list --format json``)."""
    return doc_views.register_page(
        session,
        viewer=user,
        search_text=q or None,
        doc_type=doc_type or None,
        department=dept or None,
        status=status or None,
        page=page,
        per_page=per_page,
    )


@router.post("/documents", response_model=DocumentRow, status_code=201)
def create_document(session: Db, user: CurrentUser, new: NewDocument) -> DocumentRow:
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
    return doc_views.document_row(session, viewer=user, code=doc.code)


@router.get("/documents/{code}", response_model=IssueDetail)
def get_document(session: Db, user: CurrentUser, code: str) -> IssueDetail:
    """The issue ``qms doc show CODE`` shows (staff: the effective one), with the steps
    the signed-in user may take on the document."""
    return doc_views.issue_detail(session, viewer=user, code=code)


@router.get("/documents/{code}/revisions", response_model=list[IssueView])
def list_revisions(session: Db, user: CurrentUser, code: str) -> list[IssueView]:
    return doc_views.history(session, viewer=user, code=code)


@router.get("/documents/{code}/revisions/{issue}", response_model=IssueDetail)
def get_revision(session: Db, user: CurrentUser, code: str, issue: WholeNumber) -> IssueDetail:
    """One issue, as ``qms doc show CODE --issue N`` shows it."""
    return doc_views.issue_detail(session, viewer=user, code=code, issue=issue)


@router.get(
    "/documents/{code}/revisions/{issue}/pdf", response_class=Response, responses=PDF_RESPONSE
)
def revision_pdf(session: Db, user: CurrentUser, code: str, issue: WholeNumber) -> Response:
    doc, rev, data = renditions.document_pdf(session, viewer=user, code=code, issue=issue)
    return pdf_response(data, doc.code, rev.issue)


@router.post("/documents/{code}/revise", response_model=IssueView)
def revise(session: Db, user: CurrentUser, code: str, change: DraftChange) -> IssueView:
    rev = revisions.revise(
        session,
        actor=user,
        code=code,
        body=change.body,
        reason=change.reason,
        description=change.description,
        based_on=change.based_on,
    )
    return doc_views.issue_view(rev)


LOCKED: dict[int | str, dict[str, Any]] = {
    429: {"model": ApiError, "description": "Too many wrong signing passwords."}
}


@router.post("/documents/{code}/submit", response_model=IssueView, responses=LOCKED)
def submit(
    session: Db, user: CurrentUser, limits: Limits, code: str, submission: Submission
) -> IssueView:
    rev = revisions.submit(
        session,
        actor=user,
        code=code,
        password=submission.password,
        reviewer=submission.reviewer,
        approver=submission.approver,
        limits=limits,
    )
    return doc_views.issue_view(rev)


@router.post("/documents/{code}/review", response_model=IssueView, responses=LOCKED)
def review(
    session: Db, user: CurrentUser, limits: Limits, code: str, decision: ReviewDecision
) -> IssueView:
    rev = revisions.review(
        session,
        actor=user,
        code=code,
        accept=decision.accept,
        comment=decision.comment,
        password=decision.password,
        limits=limits,
    )
    return doc_views.issue_view(rev)


@router.post("/documents/{code}/approve", response_model=IssueView, responses=LOCKED)
def approve(
    session: Db, user: CurrentUser, limits: Limits, code: str, approval: Approval
) -> IssueView:
    rev = revisions.approve(
        session,
        actor=user,
        code=code,
        password=approval.password,
        effective_date=approval.effective_date,
        content_hash=approval.content_hash,
        limits=limits,
    )
    return doc_views.issue_view(rev)


@router.post("/documents/{code}/publish", response_model=IssueView)
def publish(session: Db, user: CurrentUser, code: str) -> IssueView:
    rev = revisions.publish(session, actor=user, code=code)
    return doc_views.issue_view(rev)


@router.post("/documents/{code}/acknowledge", response_model=Acknowledged)
def acknowledge(session: Db, user: CurrentUser, code: str) -> Acknowledged:
    doc = documents.get_document(session, code)
    _, created = revisions.acknowledge(session, actor=user, code=code)
    rev = documents.effective_revision(session, doc)
    assert rev is not None
    return Acknowledged(code=doc.code, issue=rev.issue, new=created)
