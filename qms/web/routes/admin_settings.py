"""Organisation settings (admin): every setting that can be changed here, with its
current value; saving checks them all and keeps the changed ones."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from qms.domain import Role
from qms.errors import QMSError, Text
from qms.models import User
from qms.services.capa.actions import VERIFICATION_DAYS_SETTING
from qms.services.documents.read_campaigns import DUE_SETTING
from qms.services.documents.renditions import OTHER_LANGUAGES_SETTING
from qms.services.people import org_settings, users
from qms.services.people.organisation import STAMP_SETTING
from qms.web.deps import CurrentUser, Db
from qms.web.errors import N_
from qms.web.i18n import translated
from qms.web.pages import render
from qms.web.refusals import Refusal
from qms.web.routes.responses import done

router = APIRouter()


def _page(
    request: Request, session: Session, user: User, refusal: Refusal, status: int = 200
) -> Response:
    context = {"rows": org_settings.current(session, viewer=user), "refusal": refusal}
    return render(request, "admin/settings.html", context, status=status)


@router.get("/admin/settings")
def settings_page(request: Request, session: Db, user: CurrentUser) -> Response:
    return _page(request, session, user, Refusal())


def _setting(key: str) -> object:
    """A setting's form field (named by the setting's key); left out: left unchanged."""
    return Form(alias=key)


@router.post("/admin/settings")
def save_settings(
    request: Request,
    session: Db,
    user: CurrentUser,
    name: Annotated[str | None, _setting("organisation.name")] = None,
    name_en: Annotated[str | None, _setting("organisation.name_en")] = None,
    language: Annotated[str | None, _setting("organisation.language")] = None,
    timezone: Annotated[str | None, _setting("timezone")] = None,
    reading_days: Annotated[str | None, _setting(DUE_SETTING)] = None,
    verification_days: Annotated[str | None, _setting(VERIFICATION_DAYS_SETTING)] = None,
    other_languages: Annotated[str | None, _setting(OTHER_LANGUAGES_SETTING)] = None,
    stamp: Annotated[str | None, _setting(STAMP_SETTING)] = None,
) -> Response:
    given = {
        "organisation.name": name,
        "organisation.name_en": name_en,
        "organisation.language": language,
        "timezone": timezone,
        DUE_SETTING: reading_days,
        VERIFICATION_DAYS_SETTING: verification_days,
        OTHER_LANGUAGES_SETTING: other_languages,
        STAMP_SETTING: stamp,
    }
    values = {key: value for key, value in given.items() if value is not None}
    users.require_role(session, user, Role.ADMIN, action=Text("change organisation settings"))
    try:
        org_settings.change(session, actor=user, values=values)
    except QMSError as exc:
        session.rollback()
        refusal = Refusal("settings", values, exc.field, translated(request, exc))
        return _page(request, session, user, refusal, exc.http_status)
    return done(request, "/admin/settings", N_("The settings are saved."))
