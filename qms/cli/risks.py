"""``qms risk``: the register of risks and opportunities (ISO 9001 6.1)."""

from datetime import datetime
from pathlib import Path

import click

from qms.cli.common import (
    acting_user,
    code_word,
    echo_json,
    echo_phrase,
    echo_table,
    export_format,
    format_option,
    label,
    output_file,
    phrase,
    reading,
    write_file,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.i18n import msg, pmsg
from qms.services.people import organisation, users
from qms.services.risks import actions, register, views
from qms.services.risks import scale as scales
from qms.views import as_json

DATE = click.DateTime(["%Y-%m-%d"])
SCORE = click.IntRange(min=0)

_KINDS = {"risk": msg("risk"), "opportunity": msg("opportunity")}
_LEVELS = {"low": msg("low"), "medium": msg("medium"), "high": msg("high")}
_TREATMENTS = {
    "accept": msg("accept"),
    "reduce": msg("reduce"),
    "avoid": msg("avoid"),
    "exploit": msg("exploit"),
}
_DUE_WHAT = {"review": pmsg("risk register", "review"), "action": msg("action")}
_TITLE = pmsg("risk register", "TITLE")  # a risk's title, not a document's


@click.group(cls=TranslatedGroup)
def risk() -> None:
    """Risks and opportunities (Rủi ro và cơ hội): assess, treat, act, review.

    Each entry belongs to a department and names its process. Likelihood and
    impact are scored on the organisation's scale (5 x 5 by default: see
    `qms risk scale`); their product gives the level (low, medium, high). The
    coordinator keeps every department's register; a department's reviewers
    and approvers keep their own.
    """


@risk.command("add")
@click.option("--kind", type=click.Choice(register.KINDS), default="risk", show_default=True)
@click.option("--dept", "department", required=True, help="The department it belongs to.")
@click.option("--process", default="", help="The process it concerns.")
@click.option("--title", required=True, help="The risk or opportunity, in one line.")
@click.option("--cause", default="", help="What could make it happen.")
@click.option("--effect", default="", help="What would follow.")
@click.option("--likelihood", type=SCORE, required=True, help="1 (rare) to the scale's top.")
@click.option("--impact", type=SCORE, required=True, help="1 (slight) to the scale's top.")
@click.option(
    "--treatment",
    type=click.Choice(["accept", "reduce", "avoid", "exploit"]),
    required=True,
    help="accept, reduce or avoid a risk; accept or exploit an opportunity.",
)
@click.option("--next-review", type=DATE, required=True, help="YYYY-MM-DD, after today.")
@acting_user()
def add(
    kind: str,
    department: str,
    process: str,
    title: str,
    cause: str,
    effect: str,
    likelihood: int,
    impact: int,
    treatment: str,
    next_review: datetime,
    as_user: str,
) -> None:
    """Enter a risk or an opportunity with its assessment and treatment.

    \b
    Example:
      qms risk add --dept MC --process "Tiếp nhận hồ sơ" \\
          --title "Hồ sơ trễ hẹn do thiếu người tiếp nhận" \\
          --likelihood 4 --impact 4 --treatment reduce \\
          --next-review 2027-03-31 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        added = register.add_risk(
            session,
            actor=actor,
            kind=kind,
            department=department,
            process=process,
            title=title,
            cause=cause,
            effect=effect,
            likelihood=likelihood,
            impact=impact,
            treatment=treatment,
            next_review=next_review.date(),
        )
        echo_phrase(
            "added {ref} ({kind}, level {level})",
            ref=added.ref,
            kind=label(_KINDS[added.kind]),
            level=label(_LEVELS[added.level]),
        )


@risk.command("review")
@click.argument("ref")
@click.option("--likelihood", type=SCORE, help="Likelihood before treatment, if it changed.")
@click.option("--impact", type=SCORE, help="Impact before treatment, if it changed.")
@click.option(
    "--treatment", type=click.Choice(["accept", "reduce", "avoid", "exploit"]), help="A new one."
)
@click.option(
    "--after",
    nargs=2,
    type=SCORE,
    metavar="LIKELIHOOD IMPACT",
    help="The assessment after treatment.",
)
@click.option("--next-review", type=DATE, help="YYYY-MM-DD: when it is reviewed again.")
@click.option("--close", is_flag=True, help="Take it out of the open register.")
@acting_user()
def review(
    ref: str,
    likelihood: int | None,
    impact: int | None,
    treatment: str | None,
    after: tuple[int, int] | None,
    next_review: datetime | None,
    close: bool,
    as_user: str,
) -> None:
    """Review an entry: assess it again, after treatment too, and set the next review.

    \b
    Example:
      qms risk review RR-001 --after 2 3 --next-review 2027-06-30 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        found = register.reassess(
            session,
            actor=actor,
            ref=ref,
            likelihood=likelihood,
            impact=impact,
            treatment=treatment,
            residual_likelihood=after[0] if after else None,
            residual_impact=after[1] if after else None,
            next_review=next_review.date() if next_review else None,
            close=close,
        )
        if close:
            echo_phrase("closed {ref}", ref=found.ref)
        elif found.residual_level:
            echo_phrase(
                "{ref}: level {level}, after treatment {residual}; next review {date}",
                ref=found.ref,
                level=label(_LEVELS[found.level]),
                residual=label(_LEVELS[found.residual_level]),
                date=f"{found.next_review:%Y-%m-%d}",
            )
        else:
            echo_phrase(
                "{ref}: level {level}; next review {date}",
                ref=found.ref,
                level=label(_LEVELS[found.level]),
                date=f"{found.next_review:%Y-%m-%d}",
            )


@risk.command("action")
@click.argument("ref")
@click.option("--what", required=True, help="What will be done.")
@click.option("--owner", required=True, metavar="USERNAME", help="Who does it.")
@click.option("--due", type=DATE, required=True, help="YYYY-MM-DD, not in the past.")
@acting_user()
def action(ref: str, what: str, owner: str, due: datetime, as_user: str) -> None:
    """Add an action that treats a risk or takes an opportunity.

    \b
    Example:
      qms risk action RR-001 --what "Phân công cán bộ dự phòng" \\
          --owner hungpv --due 2026-12-31 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        added = actions.add_action(
            session, actor=actor, ref=ref, what=what, owner=owner, due=due.date()
        )
        echo_phrase(
            "{ref} action {number} (due {date})",
            ref=ref.upper(),
            number=added.number,
            date=f"{added.due:%Y-%m-%d}",
        )


@risk.command("done")
@click.argument("ref")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--note", default="", help="What was done.")
@acting_user()
def done(ref: str, number: int, note: str, as_user: str) -> None:
    """Mark an action done (its owner, or whoever keeps the register).

    \b
    Example:
      qms risk done RR-001 1 --note "Đã phân công" --as hungpv
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        actions.complete_action(session, actor=actor, ref=ref, number=number, note=note)
    echo_phrase("{ref} action {number} done", ref=ref.upper(), number=number)


@risk.command("list")
@click.option("--dept", "department", help="Only this department's entries.")
@click.option("--all", "include_closed", is_flag=True, help="Closed entries too.")
@acting_user(required=False)
@format_option
def list_(department: str | None, include_closed: bool, as_user: str | None, fmt: str) -> None:
    """The register: each entry's level before and after treatment, and its review date.

    \b
    Example:
      qms risk list --dept MC --format json
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user) if as_user else None
        shown = views.register_view(
            session,
            viewer=viewer,
            today=organisation.today(session),
            department=department,
            include_closed=include_closed,
        )
    if fmt == "json":
        echo_json(as_json(shown))
        return
    rows = [
        [
            v.ref,
            v.department,
            code_word(_KINDS, v.kind),
            v.title,
            f"{v.likelihood}x{v.impact} {code_word(_LEVELS, v.level)}",
            code_word(_TREATMENTS, v.treatment),
            f"{v.residual_likelihood}x{v.residual_impact} {code_word(_LEVELS, v.residual_level)}"
            if v.residual_level
            else "-",
            f"{v.next_review:%Y-%m-%d}" + (" " + phrase("OVERDUE") if v.review_overdue else ""),
            f"{sum(a.done for a in v.actions)}/{len(v.actions)}",
        ]
        for v in shown
    ]
    echo_table(
        [
            phrase("REF"),
            phrase("DEPT"),
            phrase("KIND"),
            label(_TITLE),
            phrase("LEVEL"),
            phrase("TREATMENT"),
            phrase("AFTER"),
            phrase("REVIEW"),
            phrase("ACTIONS"),
        ],
        rows,
    )


@risk.command("overdue")
@format_option
def overdue(fmt: str) -> None:
    """Reviews and actions whose date has passed, earliest first.

    \b
    Example:
      qms risk overdue
    """
    with reading() as session:
        found = views.overdue(session, today=organisation.today(session))
    if fmt == "json":
        echo_json(as_json(found))
        return
    rows = [
        [f"{o.due:%Y-%m-%d}", code_word(_DUE_WHAT, o.what), o.ref + (f"/{o.number}" if o.number else ""), o.department,
         o.owner or "-", o.title]
        for o in found
    ]  # fmt: skip
    echo_table(
        [phrase("DUE"), phrase("WHAT"), phrase("REF"), phrase("DEPT"), phrase("OWNER"),
         label(_TITLE)],
        rows,
    )  # fmt: skip


@risk.command("scale")
@click.argument("value", required=False)
@acting_user(required=False)
def scale(value: str | None, as_user: str | None) -> None:
    """Show the risk scale, or set it (the coordinator): LxI:M,H.

    Likelihood runs from 1 to L, impact from 1 to I; a score (likelihood x
    impact) of M or more is medium, of H or more high.

    \b
    Example:
      qms risk scale 5x5:5,12 --as thultm
    """
    if value is None:
        with reading() as session:
            click.echo(scales.current(session).text())
        return
    if not as_user:
        raise click.UsageError("say who is changing the scale (--as USERNAME)")
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        click.echo(register.set_scale(session, actor=actor, value=value).text())


@risk.command("matrix")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The SVG file to write.",
)
@click.option("--dept", "department", help="Only this department's entries.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def matrix(out: Path, department: str | None, lang: str) -> None:
    """Draw the open entries on the likelihood x impact matrix, as an SVG file.

    \b
    Example:
      qms risk matrix --out ma-tran-rui-ro.svg
    """
    with reading() as session:
        shown = views.register_view(
            session, viewer=None, today=organisation.today(session), department=department
        )
        svg = views.matrix_svg(session, views=shown, language=lang)
    out.write_text(svg, encoding="utf-8")
    echo_phrase("wrote {file} ({count} entries)", file=str(out), count=len(shown))


@risk.command("pdf")
@click.option("--dept", "department", help="Only this department's entries.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Print language.")
@output_file
@acting_user()
def pdf(department: str | None, language: str | None, output: Path, as_user: str) -> None:
    """Print the register of open risks and opportunities with the risk matrix.

    \b
    Example:
      qms risk pdf -o so-dang-ky-rui-ro.pdf --as thultm
    """
    from qms.services.risks import report

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        data = report.register_pdf(session, actor=actor, department=department, language=language)
    write_file(output, data)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(output), size=len(data))


@risk.command("export")
@click.option("--dept", "department", help="Only this department's entries.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Header language.")
@export_format
@output_file
@acting_user()
def export(
    department: str | None, language: str | None, fmt: str, output: Path, as_user: str
) -> None:
    """Export every entry of the register (closed ones too) and its actions as a
    spreadsheet.

    \b
    Example:
      qms risk export --format xlsx -o rui-ro.xlsx --as thultm
    """
    from qms.services.exports import tables

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        data = tables.risks_xlsx(session, actor=actor, department=department, language=language)
    write_file(output, data)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(output), size=len(data))
