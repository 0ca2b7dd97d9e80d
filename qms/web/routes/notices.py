"""Notices: the list behind the bell, opening one (marked read, then on to the page of its
step), marking all read; the mail settings on the account page; the outbox for admins."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from qms.services.notices import mail, reading
from qms.services.people import contact
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.pages import render
from qms.web.routes.responses import done

router = APIRouter()


@router.get("/notices")
def notices_page(request: Request, session: Db, user: CurrentUser) -> Response:
    listed = reading.notices_of(session, viewer=user)
    return render(request, "notices.html", {"listed": listed})


@router.post("/notices/{notice_id}/open")
def open_notice(request: Request, session: Db, user: CurrentUser, notice_id: int) -> Response:
    opened = reading.open_notice(session, viewer=user, notice_id=notice_id)
    return RedirectResponse(opened.url, status_code=303)


@router.post("/notices/read-all")
def read_all(request: Request, session: Db, user: CurrentUser) -> Response:
    reading.mark_all_read(session, viewer=user)
    return done(request, "/notices", N_("Every notice is marked read."))


@router.post("/account/mail")
def account_mail(
    request: Request,
    session: Db,
    user: CurrentUser,
    email: Annotated[str, Form()] = "",
    mail_choice: Annotated[str, Form()] = "immediate",
) -> Response:
    contact.set_contact(
        session, actor=user, username=user.username, email=email, mail_choice=mail_choice
    )
    return done(request, "/account", N_("Your mail settings have been saved."))


@router.get("/admin/mail")
def outbox_page(request: Request, session: Db, user: CurrentUser) -> Response:
    rows = mail.unsent(session, viewer=user)
    return render(request, "outbox.html", {"rows": rows})
