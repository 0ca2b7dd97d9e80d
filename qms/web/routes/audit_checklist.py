"""Working an audit's checklist item by item (one row updated in place with htmx), its
evidence attachments, and the findings with their corrective actions."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from qms.errors import QMSError
from qms.models import User
from qms.services.audits import checklist_pages, checklists
from qms.services.audits import planning as audits
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.audits.steps import AuditStep
from qms.services.capa import steps as capa_steps
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import request_language, translated, translator
from qms.web.pages import flash, render
from qms.web.routes.audits import AUDIT_ENUMS
from qms.web.routes.responses import audit_url, download

router = APIRouter()
# Evidence files keep their type only when a browser cannot run them as a page.
SAFE_MEDIA_TYPES = {"image/png", "image/jpeg", "image/gif", "application/pdf", "text/plain"}


def _checklist_context(
    session: Session, user: User, ref: str, only: int | None = None
) -> dict[str, object]:
    sheet = audit_views.worksheet(session, viewer=user, ref=ref, only=only)
    audit = sheet.audit
    return {
        **AUDIT_ENUMS,
        "audit": audit,
        "items": sheet.items,
        "findings": {f.item: f for f in sheet.findings},
        "grades": checklists.load_grades(audit.grades),
        "departments": [d.code for d in audits.departments_of(session, audit)],
        "can_work": AuditStep.RECORD in sheet.steps,
        "max_mb": audit_work.MAX_ATTACHMENT_BYTES // 1024 // 1024,
    }


@router.get("/audits/{ref}/checklist")
def checklist_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    show: str = "all",
    clause: str | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """One page of the checklist: all items, those still to answer or the nonconforming
    ones, of one clause or all, with the clauses' contents bar."""
    sheet = checklist_pages.checklist_page(
        session, viewer=user, ref=ref, show=show, clause=clause, page=page
    )
    audit = sheet.audit
    context = {
        **AUDIT_ENUMS,
        "audit": audit,
        "sheet": sheet,
        "items": sheet.items,
        "findings": sheet.findings,
        "grades": checklists.load_grades(audit.grades),
        "departments": [d.code for d in audits.departments_of(session, audit)],
        "can_work": AuditStep.RECORD in sheet.steps,
        "max_mb": audit_work.MAX_ATTACHMENT_BYTES // 1024 // 1024,
        "lang": request_language(request),
    }
    return render(request, "audits/checklist.html", context)


def _read_files(files: list[UploadFile] | None) -> list[tuple[str, bytes]]:
    """The uploaded files, each read to one byte past the cap (the service refuses it)."""
    return [
        (upload.filename, upload.file.read(audit_work.MAX_ATTACHMENT_BYTES + 1))
        for upload in files or []
        if upload.filename
    ]


@router.post("/audits/{ref}/items/{number}")
def record_item(
    request: Request,
    session: Db,
    user: CurrentUser,
    ref: str,
    number: int,
    result: Annotated[str, Form()],
    evidence: Annotated[str, Form()] = "",
    finding: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    attachments: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Record one item; htmx gets the updated row back (with the refusal in it, nothing
    saved), a plain form goes back to the checklist."""
    files = _read_files(attachments)
    htmx = bool(request.headers.get("HX-Request"))
    error = ""
    try:
        audit_work.record(
            session,
            actor=user,
            ref=ref,
            item=number,
            result=result,
            evidence=evidence,
            finding=finding or None,
            department=department or None,
            attachments=files,
        )
    except QMSError as exc:
        if not htmx:
            raise
        session.rollback()
        error = translated(request, exc)
    _ = translator(request)
    if htmx:
        context = _checklist_context(session, user, ref, only=number)
        context.update({"lang": request_language(request), "error": error})
        if not error:
            context["saved"] = _("Saved.")
        return render(request, "audits/_item.html", context)
    flash(request, _("Item {number} recorded.").format(number=number))
    page = (number - 1) // checklist_pages.PAGE_SIZE + 1  # items are numbered from 1
    back = f"/checklist?page={page}#item-{number}"
    return RedirectResponse(audit_url(audits.normalise_ref(ref)) + back, 303)


@router.get("/audits/{ref}/items/{number}/attachments/{sha256}")
def attachment(session: Db, user: CurrentUser, ref: str, number: int, sha256: str) -> Response:
    found = audit_views.evidence_file(session, viewer=user, ref=ref, number=number, sha256=sha256)
    kind = found.media_type if found.media_type in SAFE_MEDIA_TYPES else "application/octet-stream"
    return download(found.data, found.filename, kind)


@router.get("/audits/{ref}/findings")
def findings_page(request: Request, session: Db, user: CurrentUser, ref: str) -> Response:
    rows = audit_views.findings(session, viewer=user, ref=ref)
    audit = audits.get_audit(session, ref)
    context = {
        **AUDIT_ENUMS,
        "audit": audit,
        "rows": rows,
        "can_raise": capa_steps.may_raise_from_finding(session, user),
    }
    return render(request, "audits/findings.html", context)
