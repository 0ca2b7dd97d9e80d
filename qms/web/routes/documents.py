"""The register, a document's page (issue, history, signatures, acknowledgements), the
comparison of two issues and PDF downloads."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from qms.db import read_connection, read_session
from qms.domain import IN_PROGRESS, DocType, RevisionStatus, Role
from qms.models import User
from qms.render import RenderError, table_files
from qms.render.html_diff import passages
from qms.render.outline import outline
from qms.services.documents import bodies, comments, downloads, renditions, revisions, search
from qms.services.documents import diff as diff_service
from qms.services.documents import register as documents
from qms.services.documents.steps import Step
from qms.services.people import organisation, users
from qms.web.deps import (
    CurrentUser,
    Db,
    Roles,
    admit,
    lifetimes,
    load_user,
    session_token,
)
from qms.web.errors import NotSignedIn
from qms.web.i18n import request_language, translator
from qms.web.pages import body_html, flash, render
from qms.web.refusals import Refusal
from qms.web.routes import register_export
from qms.web.routes.register_export import SortOrder
from qms.web.routes.responses import download
from qms.web.routes.word import web_images

router = APIRouter()
# A body with this many headings or more gets a contents list beside it.
CONTENTS_FROM = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf_response(data: bytes, code: str, issue: int) -> Response:
    """PDF bytes as a download named after the document and issue."""
    return download(data, f"{code}_issue-{issue}.pdf")


@router.get("/documents")
def register_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    roles: Roles,
    q: str = "",
    doc_type: Annotated[str, Query(alias="type")] = "",
    dept: str = "",
    status: str = "",
    sort: str = "title",
    order: SortOrder = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The register, one page at a time; its filters, order and page live in the address,
    so Back and a saved link bring the same view back."""
    result = search.register_page(
        session,
        viewer=user,
        search=q or None,
        doc_type=doc_type or None,
        department=dept or None,
        status=status or None,
        page=page,
        sort=sort,
        descending=order == "desc",
        facets=True,
        count_cap=search.COUNT_CAP,
    )
    see_all = documents.visible_to_all(roles)
    context = {
        "result": result,
        "filters": {"q": q, "type": doc_type, "dept": dept, "status": status},
        "order": {"sort": sort, "dir": order},
        "departments": users.list_departments(session),
        "types": [t.value for t in DocType],
        "statuses": list(search.STATUS_FILTERS) if see_all else [],
    }
    # A swap of the table only, unless htmx is restoring a page from history.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    if partial:
        return render(request, "_register_table.html", {**context, "oob": True})
    return render(request, "register.html", context)


@router.get("/documents.csv")
def register_csv(
    request: Request, session: Db, user: CurrentUser, query: register_export.Register
) -> Response:
    """The filtered register as CSV (UTF-8 with a byte order mark, for Excel)."""
    headers, rows = register_export.table(request, session, user, query)
    data = table_files.csv_bytes(headers, rows)
    return download(data, register_export.file_name(request, "csv"), "text/csv; charset=utf-8")


@router.get("/documents.xlsx")
def register_xlsx(
    request: Request, session: Db, user: CurrentUser, query: register_export.Register
) -> Response:
    """The filtered register as an Excel workbook."""
    headers, rows = register_export.table(request, session, user, query)
    _ = translator(request)
    data = table_files.xlsx_bytes(_("Document register"), headers, rows)
    return download(data, register_export.file_name(request, "xlsx"), XLSX)


@router.get("/documents/{code}")
def document_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    issue: int | None = None,
    full: bool = False,
) -> Response:
    """An issue; one in review or approved opens on its changes from the effective issue
    (``full`` shows its whole text instead)."""
    context = document_context(request, session, user, code, issue, full=full)
    return render(request, "document.html", context)


def document_context(
    request: Request,
    session: Session,
    user: User,
    code: str,
    issue: int | None,
    *,
    refusal: Refusal | None = None,
    full: bool = False,
) -> dict[str, Any]:
    """What the document page shows; after a refused step, ``refusal`` brings back what
    the user typed and says what was wrong, beside the field it is about."""
    detail = revisions.detail(
        session, viewer=user, code=code, issue=issue, language=request_language(request)
    )
    rev = detail.revision
    in_progress = next(
        (r for r in detail.history if r.status in {s.value for s in IN_PROGRESS}), None
    )
    # Signing steps act on the issue in progress: their forms sit on its page.
    here = {Step.EDIT, Step.SUBMIT, Step.ACCEPT, Step.RETURN, Step.APPROVE, Step.PUBLISH}
    on_this_issue = in_progress is not None and in_progress.id == rev.id
    steps = {s for s in detail.steps if on_this_issue or s not in here}
    if rev.status != RevisionStatus.EFFECTIVE:
        steps.discard(Step.ACKNOWLEDGE)  # one acknowledges the effective issue, on its page
    people = users.list_users(session) if Step.SUBMIT in steps else []
    rev_doc = detail.document
    under_review = on_this_issue and rev.status != RevisionStatus.DRAFT
    comparison = (
        diff_service.against_effective(session, detail.document, rev) if under_review else None
    )
    threads = comments.threads_of(session, rev) if rev.status in IN_PROGRESS else None
    in_place = threads is not None and threads.count and comparison is None
    shown = body_html(
        request,
        lambda: web_images(bodies.html_of(session, rev.body), detail.document.code, rev.issue),
    )
    headings = outline(shown)
    return {
        "threads": threads,
        "may_comment": comparison is not None and comments.may_comment(session, user, rev_doc),
        "may_reply": threads is not None and comments.may_reply(session, user, rev_doc),
        "passages": _passages(request, session, rev.body) if in_place else None,
        "detail": detail,
        "doc": detail.document,
        "rev": rev,
        "body_html": shown,
        "outline": headings if len(headings) >= CONTENTS_FROM else [],
        "in_progress": in_progress,
        "steps": steps,
        "acknowledged": user.username in detail.acknowledged_by,
        "reviewers": [u for u, r in people if Role.REVIEWER in r and u.id != user.id and u.active],
        "approvers": [u for u, r in people if Role.APPROVER in r and u.id != user.id and u.active],
        "effective_date": renditions.effective_date_of(session, rev),
        "today": organisation.today(session),
        "refusal": refusal or Refusal(),
        "comparison": None if full else comparison,
        "compared_with": comparison.old_issue if comparison and full else None,
    }


def _passages(request: Request, session: Session, body: str) -> list[tuple[str, str]] | None:
    """The body cut into passages, for comments shown in place; None when it cannot be
    rendered (the page says why, with the whole body)."""
    try:
        return passages(bodies.html_of(session, body))
    except RenderError:
        return None


@router.get("/documents/{code}/pdf")
def document_pdf(request: Request, code: str, issue: int | None = None) -> Response:
    """The most requested route: one trip through the thread pool, no dependencies, and
    the session check and the effective issue's stored copy in one query, without ORM
    objects (the connection is back in the pool before "last seen" is written)."""
    engine = request.app.state.engine
    token = session_token(request)
    if token is None:
        raise NotSignedIn()
    if issue is None:
        with read_connection(engine) as reader:
            found = downloads.effective_copy_for(
                reader, token=token, code=code, lifetimes=lifetimes(request)
            )
        if admit(request, found.live) is None:
            raise NotSignedIn()
        if found.copy is not None:
            return pdf_response(found.copy.data, found.copy.code, found.copy.issue)
    with read_session(engine) as session:
        user = load_user(request, session)
        if user is None:
            raise NotSignedIn()
        doc, rev, data = renditions.document_pdf(session, viewer=user, code=code, issue=issue)
    return pdf_response(data, doc.code, rev.issue)


@router.get("/documents/{code}/diff")
def compare(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    old: Annotated[int | None, Query(ge=1)] = None,
    new: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    result = diff_service.diff_issues(session, viewer=user, code=code, old_issue=old, new_issue=new)
    doc = documents.get_document(session, code)
    return render(request, "diff.html", {"diff": result, "doc": doc})


@router.post("/documents/{code}/acknowledge")
def acknowledge(request: Request, session: Db, user: CurrentUser, code: str) -> Response:
    doc = documents.get_document(session, code)
    _, created = revisions.acknowledge(session, actor=user, code=doc.code)
    _ = translator(request)
    if created:
        flash(request, _("Thank you: your reading is recorded."))
    if request.headers.get("HX-Request"):
        return render(request, "_acknowledged.html", {"code": doc.code})
    back = f"/documents/{quote(doc.code, safe='')}"
    target = "/portal" if request.query_params.get("from") == "portal" else back
    return RedirectResponse(target, status_code=303)
