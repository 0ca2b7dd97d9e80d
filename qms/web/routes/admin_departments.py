"""Departments (admin): the list, adding one, and renaming one (its code stays)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from qms.domain import Role
from qms.errors import QMSError, Text
from qms.services.people import users
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.i18n import translated
from qms.web.pages import render
from qms.web.refusals import Refusal
from qms.web.routes.responses import done

router = APIRouter()

FIELDS = ("code", "name", "name_en")


def _page(request: Request, session: Session, refusal: Refusal, status: int = 200) -> Response:
    context = {"departments": users.list_departments(session), "refusal": refusal}
    return render(request, "admin/departments.html", context, status=status)


def _refused(
    request: Request, session: Session, step: str, exc: QMSError, values: dict[str, str]
) -> Response:
    session.rollback()
    shown = exc.field if exc.field in FIELDS else None
    return _page(request, session, Refusal(step, values, shown, translated(request, exc)),
                 exc.http_status)  # fmt: skip


@router.get("/admin/departments")
def departments_page(request: Request, session: Db, user: CurrentUser) -> Response:
    users.require_role(session, user, Role.ADMIN, action=Text("create departments"))
    return _page(request, session, Refusal())


@router.post("/admin/departments")
def add_department(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
) -> Response:
    users.require_role(session, user, Role.ADMIN, action=Text("create departments"))
    try:
        users.create_department(session, actor=user, code=code, name=name, name_en=name_en)
    except QMSError as exc:
        return _refused(
            request, session, "add", exc, {"code": code, "name": name, "name_en": name_en}
        )
    return done(request, "/admin/departments", N_("The department is added."))


@router.post("/admin/departments/{code}")
def rename_department(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    name: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
) -> Response:
    users.require_role(session, user, Role.ADMIN, action=Text("rename departments"))
    try:
        users.rename_department(session, actor=user, code=code, name=name, name_en=name_en)
    except QMSError as exc:
        return _refused(
            request, session, f"rename-{code.upper()}", exc, {"name": name, "name_en": name_en}
        )
    return done(request, "/admin/departments", N_("The department's name is saved."))
