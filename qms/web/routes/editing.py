"""Drafting and the signing steps: new documents, the Markdown editor with live preview,
submit for review, review (accept or return), approve with the password, publish."""

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from qms.domain import DocType, Role
from qms.errors import Conflict, Text, ValidationError
from qms.render import markdown_to_safe_html
from qms.services.documents import bodies, editing, revisions
from qms.services.people import users
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import translated, translator
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
    start = editing.edit_start(session, actor=user, code=code)
    return _editor_page(request, session, start, start.body, start.reason, start.description)


def _editor_page(
    request: Request,
    session: Session,
    start: editing.EditStart,
    body: str,
    reason: str,
    description: str,
    *,
    conflict: editing.EditConflict | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The form holds ``body``, ``reason`` and ``description``; a save sends back the
    content hash of the text ``start`` holds."""
    context = {
        "doc": start.document,
        "draft": start.draft,
        "body": body,
        "reason": reason,
        "description": description,
        "based_on": start.based_on,
        "conflict": conflict,
        "error": error,
        # The saved text's HTML is stored; a text the user brought back after a
        # conflict is converted (it was refused, so it is not stored).
        "preview": body_html(request, lambda: bodies.html_of(session, body)),
    }
    return render(request, "editor.html", context, status=status)


@router.post("/documents/{code}/edit")
def save_draft(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    body: Annotated[str, Form()],
    based_on: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    """Saves the draft, unless it changed after the editor was opened (``based_on``): then
    the form comes back (409) with the user's text, beside what is saved now."""
    try:
        rev = revisions.revise(
            session,
            actor=user,
            code=code,
            body=body,
            reason=reason,
            description=description,
            based_on=based_on,
        )
    except Conflict as exc:
        conflict = editing.edit_conflict(session, actor=user, code=code, body=body)
        error = translated(request, exc)
        return _editor_page(
            request, session, conflict.saved, body, reason, description,
            conflict=conflict, error=error, status=409,
        )  # fmt: skip
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
