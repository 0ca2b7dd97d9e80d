"""Drafting and the signing steps: new documents, the Markdown editor with live preview,
submit for review, review (accept or return), approve with the password, publish."""

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from qms.domain import DocType, Role
from qms.errors import Conflict, NotFound, QMSError, Text, ValidationError
from qms.i18n import in_language
from qms.models import User
from qms.render import markdown_to_safe_html
from qms.services.documents import bodies, comments, editing, revisions
from qms.services.documents import register as documents_register
from qms.services.people import users
from qms.services.records import listing as records_list
from qms.web.deps import CurrentUser, Db, Limits
from qms.web.i18n import request_language, translated, translator
from qms.web.pages import body_html, flash, render
from qms.web.refusals import Refusal
from qms.web.routes.documents import document_context

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
        "threads": comments.threads_of(session, start.draft) if start.draft else None,
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


# The fields of each signing form, as the page names them.
FORM_FIELDS = {
    "submit": ("reviewer", "approver", "password"),
    "review": ("comment", "password"),
    "approve": ("effective_date", "password"),
    "publish": (),
    "comment": ("comment",),
    "reply": ("comment",),
    "withdraw": ("reason",),
    "periodic_review": ("note",),
}

# The forms that show a message about the whole form (the others show it above them all).
FORM_MESSAGES = frozenset({"submit", "review", "approve", "publish"})
# The steps (as read views name them) whose forms each route receives.
STEP_FORMS = {
    "submit": {"submit"},
    "review": {"accept", "return"},
    "approve": {"approve"},
    "publish": {"publish"},
    "comment": {"return"},
    "reply": {"edit", "submit", "accept", "return", "approve", "publish"},
    "withdraw": {"withdraw"},
    "periodic_review": {"periodic_review"},
}


def refused(
    request: Request,
    session: Session,
    user: User,
    code: str,
    step: str,
    exc: QMSError,
    values: dict[str, str],
) -> Response:
    """The document page again, its ``step`` form holding what was typed (never the
    password) and the refusal beside the field it is about; nothing of the step is kept."""
    session.rollback()
    shown = exc.field if exc.field in FORM_FIELDS[step] else None
    refusal = Refusal(step, values, shown, translated(request, exc))
    doc = documents_register.get_document(session, code)
    issue = documents_register.in_progress_revision(session, doc)
    try:
        context = document_context(
            request, session, user, doc.code, issue.issue if issue else None, refusal=refusal
        )
    except NotFound:  # the user may not see the issue: the refusal alone is shown
        raise exc from None
    offered = {str(s) for s in context["steps"]}
    gone = not offered & STEP_FORMS[step]  # the form is gone (the issue moved on)
    if gone or (shown is None and step not in FORM_MESSAGES):  # say it above the forms
        context["refusal"] = Refusal("page", values, None, refusal.message)
    return render(request, "document.html", context, status=exc.http_status)


@router.post("/documents/{code}/submit")
def submit(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    code: str,
    password: Annotated[str, Form()] = "",
    reviewer: Annotated[str, Form()] = "",
    approver: Annotated[str, Form()] = "",
) -> Response:
    try:
        rev = revisions.submit(
            session,
            actor=user,
            code=code,
            password=password,
            reviewer=reviewer or None,
            approver=approver or None,
            limits=limits,
        )
    except QMSError as exc:
        typed = {"reviewer": reviewer, "approver": approver}
        return refused(request, session, user, code, "submit", exc, typed)
    _ = translator(request)
    flash(request, _("Submitted for review."))
    return RedirectResponse(_page(code.upper()) + f"?issue={rev.issue}", status_code=303)


@router.post("/documents/{code}/review")
def review(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    code: str,
    decision: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if decision not in ("accept", "return"):
        raise ValidationError("decision must be accept or return")
    accept = decision == "accept"
    try:
        rev = revisions.review(
            session,
            actor=user,
            code=code,
            accept=accept,
            comment=comment,
            password=password if accept else None,
            limits=limits,
        )
    except QMSError as exc:
        return refused(request, session, user, code, "review", exc, {"comment": comment})
    _ = translator(request)
    flash(request, _("Review recorded: accepted.") if accept else _("Returned for changes."))
    return RedirectResponse(_page(code.upper()) + f"?issue={rev.issue}", status_code=303)


@router.post("/documents/{code}/approve")
def approve(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    code: str,
    content_hash: Annotated[str, Form()],
    password: Annotated[str, Form()] = "",
    effective_date: Annotated[str, Form()] = "",
) -> Response:
    """The approver signs what the page showed (its content hash)."""
    typed = {"effective_date": effective_date}
    try:
        rev = revisions.approve(
            session,
            actor=user,
            code=code,
            password=password,
            effective_date=_date_field(effective_date),
            content_hash=content_hash,
            limits=limits,
        )
    except QMSError as exc:
        return refused(request, session, user, code, "approve", exc, typed)
    _ = translator(request)
    flash(request, _("Approved and signed."))
    return RedirectResponse(_page(code.upper()) + f"?issue={rev.issue}", status_code=303)


def _date_field(value: str) -> date | None:
    """A date typed in a form (YYYY-MM-DD, as date inputs send it); empty means none."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            "{value!r} is not a date; choose one in the calendar", value=value
        ).about("effective_date") from None


@router.post("/documents/{code}/publish")
def publish(request: Request, session: Db, user: CurrentUser, code: str) -> Response:
    try:
        rev = revisions.publish(session, actor=user, code=code)
    except QMSError as exc:
        return refused(request, session, user, code, "publish", exc, {})
    _ = translator(request)
    flash(request, _("Issue {issue} is now effective.").format(issue=rev.issue))
    language = request_language(request)
    for problem in records_list.problems(session, code=code):
        where = _("Records table, line {line}:").format(line=problem.line)
        flash(request, f"{where} {in_language(problem.text, language)}", "error")
    return RedirectResponse(_page(code.upper()), status_code=303)
