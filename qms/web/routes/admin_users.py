"""User administration (admin): the list of users with filters, adding a user, and one
user's page with their roles, department, active state, password reset, sessions and
lock-outs. Every step is the CLI's service; a refused form comes back holding what was
typed, with the message beside the field it is about."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from qms.domain import LANGUAGES, Role
from qms.errors import QMSError, Text, ValidationError
from qms.models import User
from qms.phrases import role as role_word
from qms.services.people import accounts, unlocks, users
from qms.web.deps import CurrentUser, Db, Limits
from qms.web.errors import N_
from qms.web.i18n import translated
from qms.web.pages import render
from qms.web.refusals import Refusal
from qms.web.routes.responses import done

router = APIRouter()

ROLES = [r.value for r in Role]
# The fields of each form on a user's page (a refusal about another field is shown above
# the form).
USER_FORMS = {
    "create": (
        "username", "full_name", "email", "department", "position", "roles", "language",
        "password",
    ),
    "roles": ("roles",),
    "department": ("department",),
    "password": ("password",),
}  # fmt: skip


def user_url(username: str) -> str:
    return f"/admin/users/{quote(username, safe='')}"


def _common(session: Session) -> dict[str, object]:
    return {
        "all_roles": ROLES,
        "role_words": {r: role_word(r) for r in ROLES},
        "departments": users.list_departments(session),
        "languages": LANGUAGES,
    }


def _refusal(request: Request, step: str, exc: QMSError, values: dict[str, str]) -> Refusal:
    shown = exc.field if exc.field in USER_FORMS.get(step, ()) else None
    return Refusal(step, values, shown, translated(request, exc))


@router.get("/admin")
def admin_home(request: Request, session: Db, user: CurrentUser) -> Response:
    users.require_role(session, user, Role.ADMIN, action=Text("administer users"))
    return render(request, "admin/index.html")


@router.get("/admin/users")
def users_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    dept: str = "",
    role: str = "",
    active: str = "",
) -> Response:
    rows = accounts.accounts(
        session,
        viewer=user,
        limits=limits,
        department=dept or None,
        role=role if role in ROLES else None,
        active={"yes": True, "no": False}.get(active),
    )
    context = {
        **_common(session),
        "rows": rows,
        "filters": {"dept": dept, "role": role, "active": active},
    }
    return render(request, "admin/users.html", context)


def _new_user_page(
    request: Request, session: Session, refusal: Refusal, status: int = 200
) -> Response:
    return render(
        request, "admin/new_user.html", {**_common(session), "refusal": refusal}, status=status
    )


@router.get("/admin/users/new")
def new_user_form(request: Request, session: Db, user: CurrentUser) -> Response:
    users.require_role(session, user, Role.ADMIN, action=Text("create users"))
    return _new_user_page(request, session, Refusal())


@router.post("/admin/users/new")
def create_user(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    username: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    position: Annotated[str, Form()] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    language: Annotated[str, Form()] = "vi",
    source: Annotated[str, Form()] = "generate",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Add a user; their initial password is the one typed, or one made here and shown
    once on the next page (it is not kept anywhere but as a hash)."""
    users.require_role(session, user, Role.ADMIN, action=Text("create users"))
    generated = accounts.new_password() if source != "typed" else ""
    try:
        created = users.create_user(
            session,
            actor=user,
            username=username,
            full_name=full_name,
            password=generated or password,
            roles=roles or [],
            department=department or None,
            position=position,
            language=language,
            email=email,
        )
    except QMSError as exc:
        session.rollback()
        typed = {
            "username": username, "full_name": full_name, "email": email,
            "department": department, "position": position, "language": language,
            "roles": ",".join(roles or []), "source": source,
        }  # fmt: skip
        refusal = _refusal(request, "create", exc, typed)
        return _new_user_page(request, session, refusal, exc.http_status)
    return _user_page(
        request, session, user, limits, created.username, shown_password=generated, new=True
    )


def _user_page(
    request: Request,
    session: Session,
    viewer: User,
    limits: Limits,
    username: str,
    *,
    refusal: Refusal | None = None,
    shown_password: str = "",
    new: bool = False,
    status: int = 200,
) -> Response:
    found = accounts.account(session, viewer=viewer, username=username, limits=limits)
    context = {
        **_common(session),
        "account": found,
        "own": found.username == viewer.username,
        "refusal": refusal or Refusal(),
        "shown_password": shown_password,
        "new": new,
    }
    return render(request, "admin/user.html", context, status=status)


@router.get("/admin/users/{username}")
def user_page(
    request: Request, session: Db, user: CurrentUser, limits: Limits, username: str
) -> Response:
    return _user_page(request, session, user, limits, username)


def _refused(
    request: Request,
    session: Session,
    viewer: User,
    limits: Limits,
    username: str,
    step: str,
    exc: QMSError,
    values: dict[str, str],
) -> Response:
    """The user's page again with the refusal; nothing of the step is kept."""
    session.rollback()
    refusal = _refusal(request, step, exc, values)
    try:
        return _user_page(
            request, session, viewer, limits, username, refusal=refusal, status=exc.http_status
        )
    except QMSError:  # no such user, or the viewer may not see the page: the refusal alone
        raise exc from None


@router.post("/admin/users/{username}/roles")
def change_roles(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    username: str,
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        users.set_roles(session, actor=user, username=username, roles=roles or [])
    except QMSError as exc:
        typed = {"roles": ",".join(roles or [])}
        return _refused(request, session, user, limits, username, "roles", exc, typed)
    return done(request, user_url(username), N_("The roles are saved."))


@router.post("/admin/users/{username}/department")
def change_department(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    username: str,
    department: Annotated[str, Form()] = "",
) -> Response:
    try:
        users.set_department(session, actor=user, username=username, department=department)
    except QMSError as exc:
        exc = exc if exc.field else exc.about("department", option="")
        typed = {"department": department}
        return _refused(request, session, user, limits, username, "department", exc, typed)
    return done(request, user_url(username), N_("The department is saved."))


@router.post("/admin/users/{username}/active")
def change_active(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    username: str,
    active: Annotated[str, Form()] = "",
) -> Response:
    try:
        users.set_active(session, actor=user, username=username, active=active == "yes")
    except QMSError as exc:
        return _refused(request, session, user, limits, username, "active", exc, {})
    message = N_("The user can act again.") if active == "yes" else N_("The user is deactivated.")
    return done(request, user_url(username), message)


@router.post("/admin/users/{username}/password")
def reset_password(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    username: str,
    source: Annotated[str, Form()] = "generate",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Give a user a new password (typed here, or made here and shown once); every
    session of theirs ends. (Users change their own password on their account page.)"""
    users.require_role(session, user, Role.ADMIN, action=Text("reset another user's password"))
    generated = accounts.new_password() if source != "typed" else ""
    try:
        users.change_password(
            session,
            actor=user,
            username=username,
            new_password=generated or password,
            old_password=None,
        )
    except QMSError as exc:
        if exc.field is None and isinstance(exc, ValidationError):
            exc = exc.about("password", option="")
        typed = {"source": source}
        return _refused(request, session, user, limits, username, "password", exc, typed)
    if generated:
        return _user_page(request, session, user, limits, username, shown_password=generated)
    return done(request, user_url(username), N_("The new password is set."))


@router.post("/admin/users/{username}/end-sessions")
def end_sessions(
    request: Request, session: Db, user: CurrentUser, limits: Limits, username: str
) -> Response:
    try:
        users.end_sessions(session, actor=user, username=username)
    except QMSError as exc:
        return _refused(request, session, user, limits, username, "sessions", exc, {})
    return done(request, user_url(username), N_("The user is signed out everywhere."))


@router.post("/admin/users/{username}/unlock")
def unlock(
    request: Request,
    session: Db,
    user: CurrentUser,
    limits: Limits,
    username: str,
    what: Annotated[str, Form()] = "",
) -> Response:
    try:
        if what == "signing":
            unlocks.unlock_signing(session, actor=user, username=username)
            message = N_("The user may sign again.")
        else:
            unlocks.unlock_sign_in(session, actor=user, username=username)
            message = N_("The user may sign in again.")
    except QMSError as exc:
        return _refused(request, session, user, limits, username, "unlock", exc, {})
    return done(request, user_url(username), message)
