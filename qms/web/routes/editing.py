"""Drafting and the signing steps: new documents, the Markdown editor with live preview,
submit for review, review (accept or return), approve with the password, publish."""

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qms.domain import DocType, Role
from qms.errors import Text, ValidationError
from qms.render import markdown_to_safe_html
from qms.services.documents import bodies, revisions
from qms.services.documents import register as documents
from qms.services.documents import steps as checks
from qms.services.people import users
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import translator
from qms.web.pages import body_html, flash, render

router = APIRouter()


def _page(code: str) -> str:
    return f"/documents/{quote(code, safe='')}"


def _require_controller(session: Db, user: CurrentUser, action: Text) -> None:
    users.require_role(session, user, Role.CONTROLLER, action=action)


@router.get("/new-document")
def new_document_form(request: Request, session: Db, user: CurrentUser) -> Response:
    _require_controller(session, user, Text("register documents"))
    context = {"departments": users.list_departments(session), "types": [t.value for t in DocType]}
    return render(request, "new_document.html", context)


@router.post("/new-document")
def create_document(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: Annotated[str, Form()],
    title: Annotated[str, Form()],
    doc_type: Annotated[str, Form()],
    department: Annotated[str, Form()],
    language: Annotated[str, Form()] = "vi",
    body: Annotated[str, Form()] = "",
) -> Response:
    doc, _rev = revisions.create_document(
        session,
        actor=user,
        code=code,
        title=title,
        doc_type=doc_type,
        department=department,
        language=language,
        body=body,
    )
    _ = translator(request)
    flash(request, _("The document is registered with issue 1 as a draft."))
    return RedirectResponse(_page(doc.code) + "/edit", status_code=303)


@router.get("/documents/{code}/edit")
def editor(request: Request, session: Db, user: CurrentUser, code: str) -> Response:
    """The draft in progress, or the effective text as the start of the next issue."""
    doc = documents.get_document(session, code)
    draft = checks.check_drafting(session, user, doc)  # refused as saving would be
    effective = documents.effective_revision(session, doc)
    source = draft or effective
    context = {
        "doc": doc,
        "draft": draft,
        "body": source.body if source else "",
        "reason": draft.reason if draft else "",
        "description": draft.description if draft else "",
        "next_issue": draft.issue if draft else None,
        "preview": body_html(
            request, lambda: bodies.html_of(session, source.body if source else "")
        ),
    }
    return render(request, "editor.html", context)


@router.post("/documents/{code}/edit")
def save_draft(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    body: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    rev = revisions.revise(
        session, actor=user, code=code, body=body, reason=reason, description=description
    )
    _ = translator(request)
    flash(request, _("Draft of issue {issue} saved.").format(issue=rev.issue))
    return RedirectResponse(_page(code.upper()) + f"?issue={rev.issue}", status_code=303)


@router.post("/preview")
def preview(request: Request, user: CurrentUser, body: Annotated[str, Form()] = "") -> Response:
    """The editor's live preview: the same sanitised HTML the document page shows."""
    return HTMLResponse(body_html(request, lambda: markdown_to_safe_html(body)))


@router.post("/documents/{code}/submit")
def submit(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    password: Annotated[str, Form()],
    reviewer: Annotated[str, Form()] = "",
    approver: Annotated[str, Form()] = "",
) -> Response:
    rev = revisions.submit(
        session,
        actor=user,
        code=code,
        password=password,
        reviewer=reviewer or None,
        approver=approver or None,
    )
    _ = translator(request)
    flash(request, _("Submitted for review."))
    return RedirectResponse(_page(code.upper()) + f"?issue={rev.issue}", status_code=303)


@router.post("/documents/{code}/review")
def review(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    decision: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if decision not in ("accept", "return"):
        raise ValidationError("decision must be accept or return")
    accept = decision == "accept"
    rev = revisions.review(
        session,
        actor=user,
        code=code,
        accept=accept,
        comment=comment,
        password=password if accept else None,
    )
    _ = translator(request)
    flash(request, _("Review recorded: accepted.") if accept else _("Returned for changes."))
    return RedirectResponse(_page(code.upper()) + f"?issue={rev.issue}", status_code=303)


@router.post("/documents/{code}/approve")
def approve(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    password: Annotated[str, Form()],
    content_hash: Annotated[str, Form()],
    effective_date: Annotated[date | None, Form()] = None,
) -> Response:
    """The approver signs what the page showed (its content hash)."""
    rev = revisions.approve(
        session,
        actor=user,
        code=code,
        password=password,
        effective_date=effective_date,
        content_hash=content_hash,
    )
    _ = translator(request)
    flash(request, _("Approved and signed."))
    return RedirectResponse(_page(code.upper()) + f"?issue={rev.issue}", status_code=303)


@router.post("/documents/{code}/publish")
def publish(request: Request, session: Db, user: CurrentUser, code: str) -> Response:
    rev = revisions.publish(session, actor=user, code=code)
    _ = translator(request)
    flash(request, _("Issue {issue} is now effective.").format(issue=rev.issue))
    return RedirectResponse(_page(code.upper()), status_code=303)
