"""``qms review``: management review meetings (ISO 9001 9.3)."""

from datetime import datetime
from pathlib import Path

import click

from qms.cli.common import (
    acting_user,
    comma_list,
    echo_json,
    echo_phrase,
    echo_table,
    format_option,
    label,
    message_text,
    phrase,
    read_password,
    reading,
    signing_limits,
    steps_line,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.errors import ValidationError
from qms.phrases import day
from qms.services.people import users
from qms.services.reviews import meeting, planning, views
from qms.services.reviews.meeting import OUTCOMES
from qms.services.reviews.words import INPUTS, KINDS
from qms.settings import message_language
from qms.views import as_json

DATE = click.DateTime(["%Y-%m-%d"])


@click.group(cls=TranslatedGroup)
def review() -> None:
    """Management review (Xem xét của lãnh đạo): plan, pack, minutes, decisions, sign.

    The coordinator plans the meeting and writes the minutes; the chair (a
    leader with the approver role) signs them. Starting the meeting freezes the
    input pack: one section per input of ISO 9001 9.3.2 with the figures of the
    period, as the database holds them then.
    """


@review.command("plan")
@click.option("--date", "planned_on", type=DATE, required=True, help="Meeting date, YYYY-MM-DD.")
@click.option("--from", "period_from", type=DATE, required=True, help="First day reviewed.")
@click.option("--to", "period_to", type=DATE, required=True, help="Last day reviewed.")
@click.option("--chair", metavar="USERNAME", help="The leader who chairs and signs.")
@click.option("--attendees", default="", metavar="USERNAMES", help="Comma-separated users.")
@click.option("--guests", default="", help="Attendees from outside, one per line.")
@click.option("--place", default="", help="Where the meeting is held.")
@acting_user()
def plan(
    planned_on: datetime,
    period_from: datetime,
    period_to: datetime,
    chair: str | None,
    attendees: str,
    guests: str,
    place: str,
    as_user: str,
) -> None:
    """Plan a management review (the coordinator).

    \b
    Example:
      qms review plan --date 2026-12-20 --from 2026-01-01 --to 2026-11-30 \\
          --chair haitt --attendees quangnd,hungpv --place "Phòng họp số 1" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        planned = planning.plan(
            session,
            actor=actor,
            planned_on=planned_on.date(),
            period_from=period_from.date(),
            period_to=period_to.date(),
            chair=chair,
            attendees=comma_list(attendees),
            guests=guests,
            place=place,
        )
        echo_phrase("planned {ref}", ref=planned.ref)


@review.command("list")
@format_option
@acting_user()
def list_(fmt: str, as_user: str) -> None:
    """List the management reviews you may read.

    \b
    Example:
      qms review list --as thultm
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        rows = views.list_reviews(session, viewer=viewer, language=message_language())
    if fmt == "json":
        echo_json(as_json(rows))
        return
    echo_table(
        [phrase("REF"), phrase("STATUS"), phrase("DATE"), phrase("PERIOD"), phrase("CHAIR")],
        [
            [
                r.ref,
                r.status_label,
                message_text(day(r.planned_on)),
                f"{message_text(day(r.period_from))} – {message_text(day(r.period_to))}",
                r.chair,
            ]
            for r in rows
        ],
    )


@review.command("show")
@click.argument("ref")
@format_option
@acting_user()
def show(ref: str, fmt: str, as_user: str) -> None:
    """Show a review: its pack by input with conclusions, and its decisions.

    \b
    Example:
      qms review show MR-2026-01 --as thultm
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        shown = views.review_view(session, viewer=viewer, ref=ref, language=message_language())
    if fmt == "json":
        echo_json(as_json(shown))
        return
    click.echo(f"{shown.ref}  {shown.status_label}  {shown.planned_on.isoformat()}  {shown.place}")
    click.echo(f"{shown.period_from.isoformat()} – {shown.period_to.isoformat()}  {shown.chair}")
    click.echo(", ".join(shown.attendees + shown.guests))
    for number, item in enumerate(shown.inputs, start=1):
        click.echo(f"\n{number}. {item.title} [{item.key}]")
        for name, value in item.figures:
            click.echo(f"   {name}: {value}")
        for row in item.rows:
            click.echo("   - " + " | ".join(row))
        if item.text:
            click.echo(f"   > {item.text}")
        if item.conclusion:
            click.echo(f"   => {item.conclusion}")
    if shown.decisions:
        click.echo("")
    for d in shown.decisions:
        click.echo(f"{d.number}. [{d.kind_label}] {d.text}  {d.link}  {d.state}".rstrip())
    click.echo(steps_line(shown.steps))


@review.command("start")
@click.argument("ref")
@click.option(
    "--text",
    "texts",
    multiple=True,
    metavar="INPUT=TEXT",
    help='Text for what the data does not say, e.g. resources="..." (repeatable).',
)
@acting_user()
def start(ref: str, texts: tuple[str, ...], as_user: str) -> None:
    """Start the meeting: build the input pack from the database and freeze it.

    Inputs: previous_actions, context, satisfaction, objectives, processes,
    nonconformities, monitoring, audits, providers, resources, risks, improvement.

    \b
    Example:
      qms review start MR-2026-01 --text providers="Nhà cung cấp đáp ứng" --as thultm
    """
    given: dict[str, str] = {}
    for item in texts:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValidationError(
                "give the text of an input as INPUT=TEXT, not {value!r}", value=item
            ).about("texts", "--text")
        given[key.strip()] = value
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        started = meeting.start(session, actor=actor, ref=ref, texts=given)
        echo_phrase("{ref} started; input pack {hash}", ref=started.ref, hash=started.pack_sha256)


@review.command("conclude")
@click.argument("ref")
@click.argument("key", metavar="INPUT", type=click.Choice(list(INPUTS)))
@click.argument("text")
@acting_user()
def conclude(ref: str, key: str, text: str, as_user: str) -> None:
    """Write the meeting's conclusion on one input, named by the key in brackets that
    `qms review show` prints beside it.

    \b
    Example:
      qms review conclude MR-2026-01 audits "Đánh giá nội bộ đã thực hiện đủ" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        meeting.conclude(session, actor=actor, ref=ref, key=key, text=text)
        echo_phrase("{ref}: conclusion on {input} recorded", ref=ref.upper(), input=key)


@review.command("decide")
@click.argument("ref")
@click.option("--kind", type=click.Choice(list(KINDS)), required=True)
@click.argument("text")
@acting_user()
def decide(ref: str, kind: str, text: str, as_user: str) -> None:
    """Record a decision: improvement, qms_change or resources.

    \b
    Example:
      qms review decide MR-2026-01 --kind resources "Bổ sung 01 máy quét" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        made = meeting.decide(session, actor=actor, ref=ref, kind=kind, text=text)
        echo_phrase(
            "{ref}: decision {number} ({kind})",
            ref=ref.upper(),
            number=made.number,
            kind=label(KINDS[kind]),
        )


@review.command("act")
@click.argument("ref")
@click.argument("number", type=int)
@click.option("--as-action", "outcome", flag_value="action", help="An action (--owner, --due).")
@click.option(
    "--as-capa", "outcome", flag_value="capa", help="A nonconformity (--dept, --severity)."
)
@click.option(
    "--as-revision", "outcome", flag_value="revision", help="A document revision (--doc)."
)
@click.option("--owner", metavar="USERNAME")
@click.option("--due", type=DATE)
@click.option("--dept", "department")
@click.option("--severity", type=click.Choice(["major", "minor"]))
@click.option("--doc", "document", metavar="CODE")
@acting_user()
def act(
    ref: str,
    number: int,
    outcome: str | None,
    owner: str | None,
    due: datetime | None,
    department: str | None,
    severity: str | None,
    document: str | None,
    as_user: str,
) -> None:
    """Turn a decision into an action, a nonconformity (CAR) or a document revision.

    \b
    Example:
      qms review act MR-2026-01 1 --as-action --owner lannt --due 2027-03-31 --as thultm
      qms review act MR-2026-01 2 --as-revision --doc QT-01 --as thultm
    """
    if outcome is None:
        raise ValidationError(
            "choose what the decision becomes: --as-action, --as-capa or --as-revision"
        )
    assert outcome in OUTCOMES
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        meeting.act(
            session,
            actor=actor,
            ref=ref,
            number=number,
            outcome=outcome,
            owner=owner,
            due=due.date() if due else None,
            department=department,
            severity=severity,
            document=document,
        )
        shown = views.review_view(session, viewer=actor, ref=ref, language=message_language())
    line = next(d for d in shown.decisions if d.number == number)
    echo_phrase("{ref}: decision {number} -> {link}", ref=shown.ref, number=number, link=line.link)


@review.command("done")
@click.argument("ref")
@click.argument("number", type=int)
@click.option("--note", default="", help="What was done.")
@acting_user()
def done(ref: str, number: int, note: str, as_user: str) -> None:
    """Mark a decision's action done (its owner or the coordinator).

    \b
    Example:
      qms review done MR-2026-01 1 --note "Đã lắp máy quét" --as lannt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        meeting.done(session, actor=actor, ref=ref, number=number, note=note)
        echo_phrase("{ref}: decision {number} done", ref=ref.upper(), number=number)


@review.command("sign")
@click.argument("ref")
@acting_user()
def sign(ref: str, as_user: str) -> None:
    """Sign the minutes as the chair (asks for the password): stores the PDF, locks them.

    \b
    Example:
      echo "$PASSWORD" | qms review sign MR-2026-01 --as haitt
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        signed = meeting.sign(
            session, actor=actor, ref=ref, password=password, limits=signing_limits()
        )
        echo_phrase(
            "{ref} signed by {user}; minutes PDF {hash}",
            ref=signed.ref,
            user=actor.username,
            hash=str(signed.minutes_sha256),
        )


@review.command("pdf")
@click.argument("ref")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Labels' language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@acting_user()
def pdf(ref: str, language: str | None, output: Path, as_user: str) -> None:
    """Write the minutes PDF: as stored when signed, else rendered now as a draft.

    \b
    Example:
      qms review pdf MR-2026-01 -o MR-2026-01.pdf --as thultm
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        found, data = views.minutes_pdf(session, viewer=viewer, ref=ref, language=language)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.FileError(str(output), exc.strerror) from None
    echo_phrase(
        "wrote {path} ({ref}, {size:,} bytes)", path=str(output), ref=found.ref, size=len(data)
    )
