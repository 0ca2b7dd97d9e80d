"""``qms doc distribution``, ``qms doc readers`` and ``qms doc remind``: who must work
from a document, who has read its effective issue, and reminding those who have not."""

from collections.abc import Callable
from typing import Any

import click

from qms.cli.common import (
    acting_user,
    echo_json,
    echo_phrase,
    echo_table,
    fmt_time,
    format_option,
    message_text,
    phrase,
    reading,
    writing,
)
from qms.cli.help import TranslatedGroup, TranslatedHelp
from qms.errors import Text
from qms.services.documents import distribution as lists
from qms.services.documents import read_campaigns
from qms.services.people import organisation, users

# A distribution line's kind, as a reader of the command line's language says it.
_KINDS = {
    lists.DEPARTMENT: Text("department"),
    lists.ROLE: Text("role"),
    lists.USER: Text("user"),
}


def _member_options(func: Any) -> Any:
    for option in (
        click.option("--user", "user", help="A person, by username."),
        click.option("--role", "role", help="Everyone holding a role (e.g. reviewer)."),
        click.option("--department", "department", help="A department's staff, by code."),
    ):
        func = option(func)
    return func


@click.group("distribution", cls=TranslatedGroup)
def distribution() -> None:
    """The departments, roles and people who must work from a document and read each
    new issue. Without a list, a document goes to its own department's staff."""


@distribution.command("list")
@click.argument("code")
@format_option
def list_(code: str, fmt: str) -> None:
    """Show a document's distribution.

    \b
    Example:
      qms doc distribution list QT-01
    """
    with reading() as session:
        lines = lists.distribution_of(session, code=code)
    if fmt == "json":
        echo_json([{"kind": x.kind, "name": x.name, "label": x.label} for x in lines])
        return
    echo_table(
        [phrase("KIND"), phrase("NAME"), phrase("LABEL")],
        [[message_text(_KINDS[x.kind]), x.name, x.label] for x in lines],
    )


def _change(
    change: Callable[..., lists.DistributionLine],
    code: str,
    as_user: str,
    **member: str | None,
) -> lists.DistributionLine:
    """Add or remove one line of a document's distribution, as the acting user."""
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        return change(session, actor=actor, code=code, **member)


@distribution.command("add")
@click.argument("code")
@_member_options
@acting_user()
def add(
    code: str, department: str | None, role: str | None, user: str | None, as_user: str
) -> None:
    """Put one department, role or person on a document's distribution.

    \b
    Example:
      qms doc distribution add QT-01 --department MC --as thultm
    """
    line = _change(
        lists.add_to_distribution, code, as_user, department=department, role=role, user=user
    )
    echo_phrase(
        "{code}: {kind} {name} added to the distribution",
        code=code.upper(),
        kind=_KINDS[line.kind],
        name=line.name,
    )


@distribution.command("remove")
@click.argument("code")
@_member_options
@acting_user()
def remove(
    code: str, department: str | None, role: str | None, user: str | None, as_user: str
) -> None:
    """Take one department, role or person off a document's distribution.

    \b
    Example:
      qms doc distribution remove QT-01 --user lan --as thultm
    """
    line = _change(
        lists.remove_from_distribution, code, as_user, department=department, role=role, user=user
    )
    echo_phrase(
        "{code}: {kind} {name} removed from the distribution",
        code=code.upper(),
        kind=_KINDS[line.kind],
        name=line.name,
    )


@click.command("readers", cls=TranslatedHelp)
@click.argument("code")
@click.option("--unread", is_flag=True, help="Only those who have not read it.")
@acting_user()
@format_option
def readers(code: str, unread: bool, as_user: str, fmt: str) -> None:
    """Who must read the effective issue and who has, by department (controllers).

    \b
    Example:
      qms doc readers QT-01 --unread --as thultm
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        campaign = read_campaigns.read_campaign(session, viewer=viewer, code=code)
        tz = organisation.get_setting(session, "timezone")
    shown = campaign.unread if unread else campaign.readers
    if fmt == "json":
        echo_json(
            {
                "code": campaign.code,
                "issue": campaign.issue,
                "effective_on": campaign.effective_on,
                "due_on": campaign.due_on,
                "overdue": campaign.overdue,
                "read": len(campaign.readers) - len(campaign.unread),
                "unread": len(campaign.unread),
                "readers": [
                    {
                        "username": r.username,
                        "full_name": r.full_name,
                        "department": r.department,
                        "acknowledged_at": r.acknowledged_at,
                    }
                    for r in shown
                ],
            }
        )
        return
    state = Text("OVERDUE") if campaign.overdue else Text("due {date}", date=f"{campaign.due_on}")
    echo_phrase(
        "{code} issue {issue}: {read} of {total} read, {state}",
        code=campaign.code,
        issue=campaign.issue,
        read=len(campaign.readers) - len(campaign.unread),
        total=len(campaign.readers),
        state=state,
    )
    echo_table(
        [phrase("DEPARTMENT"), phrase("USER"), phrase("NAME"), phrase("READ")],
        [
            [r.department or "-", r.username, r.full_name, fmt_time(r.acknowledged_at, tz) or "-"]
            for r in shown
        ],
    )


@click.command("remind", cls=TranslatedHelp)
@click.argument("code")
@acting_user()
def remind(code: str, as_user: str) -> None:
    """Remind everyone who has not yet read the effective issue (once a day each).

    \b
    Example:
      qms doc remind QT-01 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        campaign = read_campaigns.remind_unread(session, actor=actor, code=code)
    echo_phrase(
        "{code} issue {issue}: {count} not yet read, reminded",
        code=campaign.code,
        issue=campaign.issue,
        count=len(campaign.unread),
    )


@click.group("copies", cls=TranslatedGroup)
def copies() -> None:
    """Controlled paper copies: numbered, held by someone, recalled when superseded."""


@copies.command("list")
@click.argument("code")
@format_option
def copies_list(code: str, fmt: str) -> None:
    """Every paper copy of a document's issues, and those still to recall.

    \b
    Example:
      qms doc copies list QT-01
    """
    from qms.services.documents import paper_copies

    with reading() as session:
        lines = paper_copies.copies_of(session, code=code)
        tz = organisation.get_setting(session, "timezone")
    if fmt == "json":
        echo_json(
            [
                {
                    "issue": x.copy.issue,
                    "copy": x.copy.copy_number,
                    "holder": x.copy.holder,
                    "issued_at": x.copy.issued_at,
                    "recalled_at": x.copy.recalled_at,
                    "to_recall": x.to_recall,
                }
                for x in lines
            ]
        )
        return
    echo_table(
        [phrase("ISSUE"), phrase("COPY"), phrase("HOLDER"), phrase("RECALLED"), ""],
        [
            [
                str(x.copy.issue),
                str(x.copy.copy_number),
                x.copy.holder,
                fmt_time(x.copy.recalled_at, tz) or "-",
                phrase("TO RECALL") if x.to_recall else "",
            ]
            for x in lines
        ],
    )


@copies.command("register")
@click.argument("code")
@click.option("--holder", required=True, help="Who holds the copy (a person or a place).")
@acting_user()
def copies_register(code: str, holder: str, as_user: str) -> None:
    """Number a new paper copy of the effective issue.

    \b
    Example:
      qms doc copies register QT-01 --holder "Bộ phận Một cửa, quầy 2" --as thultm
    """
    from qms.services.documents import paper_copies

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        copy = paper_copies.register_copy(session, actor=actor, code=code, holder=holder)
    echo_phrase(
        "{code} issue {issue}: paper copy {number} held by {holder}",
        code=copy.code,
        issue=copy.issue,
        number=copy.copy_number,
        holder=copy.holder,
    )


@copies.command("recall")
@click.argument("code")
@click.option("--issue", type=int, required=True, help="The issue the copy is of.")
@click.option("--copy", "copy_number", type=int, required=True, help="The copy's number.")
@acting_user()
def copies_recall(code: str, issue: int, copy_number: int, as_user: str) -> None:
    """Confirm that a paper copy of an issue no longer in force has come back.

    \b
    Example:
      qms doc copies recall QT-01 --issue 2 --copy 1 --as thultm
    """
    from qms.services.documents import paper_copies

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        copy = paper_copies.confirm_recall(
            session, actor=actor, code=code, issue=issue, copy_number=copy_number
        )
    echo_phrase(
        "{code} issue {issue}: paper copy {number} recalled",
        code=copy.code,
        issue=copy.issue,
        number=copy.copy_number,
    )
