"""The home page: what waits for the signed-in user."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qms.services import inbox
from qms.web.deps import CurrentUser, Db
from qms.web.pages import render

router = APIRouter()


@router.get("/")
def home(request: Request, session: Db, user: CurrentUser) -> Response:
    sections = inbox.inbox(session, viewer=user)
    return render(request, "home.html", {"sections": sections})
