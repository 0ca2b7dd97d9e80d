"""The staff portal: the manuals and procedures in force, by department, one click to
download, and the acknowledgement of new issues."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qms.db import write_session
from qms.services.documents import portal as portal_service
from qms.services.documents import renditions
from qms.services.people import users
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import request_language
from qms.web.pages import render
from qms.web.routes.documents import pdf_response

router = APIRouter()


@router.get("/portal")
def portal(request: Request, session: Db, user: CurrentUser, dept: str = "") -> Response:
    departments = users.list_departments(session)
    chosen = (
        dept or users.department_code(session, user) or (departments[0].code if departments else "")
    )
    entries = portal_service.portal(session, viewer=user, department=chosen) if chosen else []
    context = {"departments": departments, "chosen": chosen.upper(), "entries": entries}
    return render(request, "portal.html", context)


@router.get("/portal/manual.pdf")
def manual(request: Request, user: CurrentUser, dept: str) -> Response:
    """The department's compiled manual (built once, then served from storage)."""
    language = request_language(request)
    with write_session(request.app.state.engine) as session:
        users.get_department(session, dept)
        data = renditions.manual_pdf(session, department=dept, language=language)
    return pdf_response(data, f"manual-{dept.upper()}", 0)
