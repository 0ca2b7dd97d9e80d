"""The home page: what waits for the signed-in user, and each of its sections page by page."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qms.services import inbox
from qms.web.deps import CurrentUser, Db, Roles
from qms.web.pages import render

router = APIRouter()


@router.get("/")
def home(request: Request, session: Db, user: CurrentUser, roles: Roles) -> Response:
    sections = inbox.inbox(session, viewer=user, roles=roles)
    return render(request, "home.html", {"sections": sections})


@router.get("/inbox/{key}")
def inbox_section(
    request: Request,
    session: Db,
    user: CurrentUser,
    roles: Roles,
    key: str,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    section = inbox.inbox_section(session, viewer=user, key=key, page=page, roles=roles)
    return render(request, "inbox_section.html", {"section": section})
