"""How a person is reached: their mail address and how notices come by mail (at once, in
a daily digest, or not at all; in-app notices of tasks are kept whatever they choose)."""

from sqlmodel import Session

from qms.domain import MailChoice, Role
from qms.errors import Joined, PermissionDenied, Text, ValidationError
from qms.models import User
from qms.services.people import users
from qms.services.trail import chain as trail
from qms.settings import is_mail_address


def parse_choice(value: str) -> MailChoice:
    try:
        return MailChoice(value.strip().lower())
    except ValueError:
        raise ValidationError(
            "the mail choice must be one of {choices}, not {value!r}",
            choices=Joined([c.value for c in MailChoice]),
            value=value,
        ) from None


def set_contact(
    session: Session,
    *,
    actor: User,
    username: str,
    email: str | None = None,
    mail_choice: str | None = None,
) -> User:
    """Change a user's mail address and/or mail choice (their own, or anyone's as admin).
    An address that is not one is refused; an empty one removes it (no mail is sent)."""
    user = users.get_user(session, username)
    if user.id != actor.id and Role.ADMIN not in users.roles_of(session, actor):
        raise PermissionDenied("only an administrator can change another user's mail settings")
    new_email = user.email if email is None else email.strip()
    if new_email and not is_mail_address(new_email):
        raise ValidationError(
            "{value!r} is not a mail address (like name@example.vn)", value=new_email
        )
    new_choice = user.mail_choice if mail_choice is None else parse_choice(mail_choice).value
    old = {"email": user.email, "mail_choice": user.mail_choice}
    new = {"email": new_email, "mail_choice": new_choice}
    if old == new:
        return user
    user.email = new_email
    user.mail_choice = new_choice
    session.add(user)
    trail.record(
        session,
        actor=actor.username,
        action="user.contact",
        entity="user",
        entity_id=user.username,
        payload={"old": old, "new": new},
    )
    session.commit()
    return user


def describe_choice(choice: str) -> Text:
    return {
        MailChoice.IMMEDIATE.value: Text("each notice by mail at once"),
        MailChoice.DIGEST.value: Text("one mail a day with the day's notices"),
        MailChoice.NONE.value: Text("no mail (notices stay in the application)"),
    }.get(choice, Text("each notice by mail at once"))
