"""``qms dept`` and ``qms user``: departments, users, roles and passwords."""

import sys

import click

from qms.cli.common import (
    acting_user,
    code_word,
    echo_json,
    echo_phrase,
    echo_table,
    format_option,
    phrase,
    read_password,
    reading,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.errors import ValidationError
from qms.i18n import msg
from qms.services.people import users


@click.group(cls=TranslatedGroup)
def dept() -> None:
    """Departments (Phòng ban): the units that own documents and are audited."""


@dept.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--name-en", default="", help="English name.")
@acting_user()
def dept_add(code: str, name: str, name_en: str, as_user: str) -> None:
    """Add a department.

    \b
    Example:
      qms dept add TP "Phòng Tư pháp" --name-en "Justice Division" --as admin
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        created = users.create_department(
            session, actor=actor, code=code, name=name, name_en=name_en
        )
    echo_phrase("added department {code}", code=created.code)


@dept.command("list")
@format_option
def dept_list(fmt: str) -> None:
    """List departments.

    \b
    Example:
      qms dept list --format json
    """
    with reading() as session:
        rows = users.list_departments(session)
    if fmt == "json":
        echo_json([{"code": d.code, "name": d.name, "name_en": d.name_en} for d in rows])
        return
    echo_table(
        [phrase("CODE"), phrase("NAME"), phrase("NAME (EN)")],
        [[d.code, d.name, d.name_en] for d in rows],
    )


@click.group(cls=TranslatedGroup)
def user() -> None:
    """Users and their roles: admin, controller, reviewer, approver, auditor, staff."""


@user.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name as printed on signatures.")
@click.option(
    "--role", "roles", multiple=True, required=True, help="A role; repeat or comma-separate."
)
@click.option("--dept", "department", help="Department code.")
@click.option("--position", default="", help="Position (Chức vụ), printed with signatures.")
@click.option(
    "--lang", "language", type=click.Choice(["vi", "en"]), default="vi", show_default=True
)
@acting_user()
def user_add(
    username: str,
    full_name: str,
    roles: tuple[str, ...],
    department: str | None,
    position: str,
    language: str,
    as_user: str,
) -> None:
    """Add a user; asks for their initial password (or reads it from stdin).

    \b
    Example:
      qms user add lan --name "Trần Thị Lan" --role reviewer --dept TP \\
          --position "Chuyên viên Phòng Tư pháp" --as admin
    """
    password = read_password(f"Password for {username}")
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        created = users.create_user(
            session,
            actor=actor,
            username=username,
            full_name=full_name,
            password=password,
            roles=list(roles),
            department=department,
            position=position,
            language=language,
        )
    echo_phrase("added user {user}", user=created.username)


@user.command("list")
@format_option
def user_list(fmt: str) -> None:
    """List users with their roles.

    \b
    Example:
      qms user list
    """
    with reading() as session:
        rows = [
            (u, sorted(r.value for r in roles), users.department_code(session, u))
            for u, roles in users.list_users(session)
        ]
    if fmt == "json":
        echo_json(
            [
                {
                    "username": u.username,
                    "full_name": u.full_name,
                    "position": u.position,
                    "department": dept_code,
                    "roles": roles,
                    "active": u.active,
                }
                for u, roles, dept_code in rows
            ]
        )
        return
    echo_table(
        [phrase("USERNAME"), phrase("NAME"), phrase("DEPT"), phrase("ROLES"), phrase("ACTIVE")],
        [
            [u.username, u.full_name, dept_code or "", ",".join(roles), _yes_no(u.active)]
            for u, roles, dept_code in rows
        ],
    )


def _yes_no(value: bool) -> str:
    """A yes/no cell; the English words stay what scripts match."""
    return phrase("yes") if value else phrase("no")


@user.command("roles")
@click.argument("username")
@click.argument("roles", nargs=-1, required=True)
@acting_user()
def user_roles(username: str, roles: tuple[str, ...], as_user: str) -> None:
    """Replace a user's roles.

    \b
    Example:
      qms user roles lan reviewer auditor --as admin
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        users.set_roles(session, actor=actor, username=username, roles=list(roles))
    echo_phrase("{user}: roles set to {roles}", user=username, roles=", ".join(roles))


@user.command("deactivate")
@click.argument("username")
@acting_user()
def user_deactivate(username: str, as_user: str) -> None:
    """Stop a user from acting or signing (their past signatures stay); their web
    sessions end.

    \b
    Example:
      qms user deactivate lan --as admin
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        users.set_active(session, actor=actor, username=username, active=False)
    echo_phrase("{user} deactivated", user=username)


@user.command("activate")
@click.argument("username")
@acting_user()
def user_activate(username: str, as_user: str) -> None:
    """Allow a deactivated user to act again.

    \b
    Example:
      qms user activate lan --as admin
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        users.set_active(session, actor=actor, username=username, active=True)
    echo_phrase("{user} activated", user=username)


@user.command("end-sessions")
@click.argument("username")
@acting_user()
def user_end_sessions(username: str, as_user: str) -> None:
    """Sign a user out of the web application everywhere: every session of theirs
    ends at once, on every device (a lost phone, a copied cookie).

    \b
    Example:
      qms user end-sessions lan --as admin
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        ended = users.end_sessions(session, actor=actor, username=username)
    echo_phrase("{user}: {count} session(s) ended", user=username, count=ended)


@user.command("passwd")
@click.argument("username")
@acting_user()
def user_passwd(username: str, as_user: str) -> None:
    """Change your password (asks the current one, then the new one), or reset another
    user's as admin (asks only the new one). From stdin: one line each. Every web
    session of the user ends.

    \b
    Example:
      qms user passwd lan --as lan
    """
    own = username.strip().lower() == as_user.strip().lower()
    old = read_password("Current password") if own else None
    new = read_password("New password")
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        users.change_password(
            session, actor=actor, username=username, new_password=new, old_password=old
        )
    echo_phrase("password changed for {user}", user=username)


@user.command("hash-password")
def user_hash_password() -> None:
    """Print an argon2id hash of a password, for an organisation file's password_hash:
    the file then holds no password. Asks for it twice, or reads one line of stdin.

    \b
    Example:
      qms user hash-password      (then, in organisation.yaml: password_hash: '$argon2id$...')
    """
    password = read_password(phrase("Password"))
    if sys.stdin.isatty() and read_password(phrase("Repeat the password")) != password:
        raise ValidationError("the two passwords differ")
    click.echo(users.hash_password(password))


@user.command("mail")
@click.argument("username")
@click.option("--email", help="Mail address; an empty value removes it.")
@click.option(
    "--choice",
    "mail_choice",
    type=click.Choice(["immediate", "digest", "none"]),
    help="Notices by mail at once, in one mail a day, or not at all.",
)
@acting_user()
def user_mail(username: str, email: str | None, mail_choice: str | None, as_user: str) -> None:
    """Set a user's mail address and how notices reach them by mail (your own, or
    anyone's as admin). Notices always stay in the application too.

    \b
    Example:
      qms user mail lan --email lan@example.vn --choice digest --as lan
    """
    if email is None and mail_choice is None:
        raise click.UsageError("give --email, --choice or both")
    from qms.services.people import contact

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        changed = contact.set_contact(
            session, actor=actor, username=username, email=email, mail_choice=mail_choice
        )
    echo_phrase(
        "{user}: mail {address} ({choice})",
        user=changed.username,
        address=changed.email or "-",
        choice=code_word(_MAIL_CHOICES, changed.mail_choice),
    )


# How notices reach a user by mail, in the reader's words (English keeps the code).
_MAIL_CHOICES = {
    "immediate": msg("each notice by mail at once"),
    "digest": msg("one mail a day with the day's notices"),
    "none": msg("no mail (notices stay in the application)"),
}
