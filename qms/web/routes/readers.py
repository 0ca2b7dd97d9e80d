"""A document's distribution and who has read its effective issue: the coordinator's page,
where the list is changed and late readers are reminded."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from qms.errors import ValidationError
from qms.services.documents import distribution, read_campaigns
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.pages import render
from qms.web.routes.responses import done

router = APIRouter()

KINDS = (distribution.DEPARTMENT, distribution.ROLE, distribution.USER)


def _page(code: str) -> str:
    return f"/documents/{quote(code, safe='')}/readers"


@router.get("/documents/{code}/readers")
def readers_page(request: Request, session: Db, user: CurrentUser, code: str) -> Response:
    view = read_campaigns.readers_view(session, viewer=user, code=code)
    return render(request, "readers.html", {"view": view, "kinds": KINDS})


@router.post("/documents/{code}/distribution")
def change_distribution(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "add",
) -> Response:
    if kind not in KINDS or action not in ("add", "remove"):
        raise ValidationError("name one department, one role or one person")
    change = (
        distribution.add_to_distribution
        if action == "add"
        else distribution.remove_from_distribution
    )
    change(session, actor=user, code=code, **{kind: name})
    message = N_("The distribution has been changed.")
    return done(request, _page(code.upper()), message)


@router.post("/documents/{code}/remind")
def remind(request: Request, session: Db, user: CurrentUser, code: str) -> Response:
    read_campaigns.remind_unread(session, actor=user, code=code)
    return done(request, _page(code.upper()), N_("Those who have not read it are reminded."))
