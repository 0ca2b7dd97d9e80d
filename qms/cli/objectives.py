"""``qms objective``: quality objectives (ISO 9001 6.2) and their results (9.1)."""

from pathlib import Path
from typing import Any

import click

from qms.cli.common import (
    acting_user,
    code_word,
    echo_json,
    echo_phrase,
    echo_table,
    export_format,
    format_option,
    number,
    output_file,
    phrase,
    read_file_input,
    read_password,
    reading,
    said,
    signing_limits,
    steps_line,
    write_file,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.i18n import msg
from qms.services.objectives import lifecycle, results, views
from qms.services.objectives.periods import Frequency
from qms.services.people import organisation, users
from qms.views import as_json

MAX_TEXT_BYTES = 80_000


def _content_options(required: bool) -> Any:
    """The options that make up an objective's content (all optional when revising)."""

    def wrap(func: Any) -> Any:
        options = [
            click.option("--indicator", required=required, help="What is measured."),
            click.option("--unit", required=required, help="Unit of the indicator, e.g. %."),
            click.option("--target", required=required, help="The target value, e.g. 98."),
            click.option(
                "--direction",
                type=click.Choice(lifecycle.DIRECTIONS),
                required=required,
                help="Met when the result is at least / at most the target.",
            ),
            click.option(
                "--frequency",
                type=click.Choice([f.value for f in Frequency]),
                required=required,
                help="How often it is measured.",
            ),
            click.option("--owner", required=required, metavar="USERNAME", help="Who reports it."),
            click.option(
                "--measure",
                type=click.Choice(lifecycle.MEASURES),
                help="entered by the owner (default), or computed from imported figures.",
            ),
            click.option(
                "--scope",
                nargs=2,
                metavar="KIND VALUE",
                help="For computed results: field, procedure or department and its name/code.",
            ),
            click.option("--plan-what", help="What will be done to reach it."),
            click.option("--plan-resources", help="The resources needed."),
            click.option("--plan-who", help="Who is responsible."),
            click.option("--plan-when", help="When it will be done."),
            click.option("--evaluation", help="How results are evaluated."),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return wrap


def _fields(options: dict[str, Any]) -> dict[str, Any]:
    scope = options.pop("scope", None)
    if scope:
        options["scope_kind"], options["scope_value"] = scope
    return options


@click.group(cls=TranslatedGroup)
def objective() -> None:
    """Quality objectives (Mục tiêu chất lượng): plan, approve, measure, report.

    An objective belongs to a year and to the organisation or one department.
    A leader (approver) who did not draft it approves it with the password; the
    approved version is locked, and a change is a new version with a reason.
    """


@objective.command("add")
@click.option("--year", type=int, required=True, help="The year it is set for.")
@click.option("--dept", "department", help="Department (none: the organisation's objective).")
@click.option("--document", help="The controlled document that lists it, e.g. MT-01.")
@_content_options(required=True)
@acting_user()
def add(
    year: int, department: str | None, document: str | None, as_user: str, **options: Any
) -> None:
    """Draft a new quality objective for a year (version 1).

    \b
    Example:
      qms objective add --year 2026 --dept MC --document MT-01 \\
          --indicator "Hồ sơ TTHC giải quyết đúng hạn" --unit % --target 98 \\
          --direction at_least --frequency quarterly --owner hungpv \\
          --measure on_time_rate --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        version = lifecycle.draft_objective(
            session,
            actor=actor,
            year=year,
            department=department,
            document=document,
            **_fields(options),
        )
        ref = lifecycle.get_objective_by_id(session, version.objective_id).ref
    echo_phrase("drafted {ref} version {version}", ref=ref, version=version.version)


@objective.command("revise")
@click.argument("ref")
@click.option("--reason", help="Why it changes (needed once it is approved).")
@_content_options(required=False)
@acting_user()
def revise(ref: str, reason: str | None, as_user: str, **options: Any) -> None:
    """Change a draft, or start a new version of an approved objective.

    \b
    Example:
      qms objective revise MT-2026-01 --target 99 \\
          --reason "Chỉ tiêu mới của UBND thành phố" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        version = lifecycle.revise_objective(
            session, actor=actor, ref=ref, reason=reason, **_fields(options)
        )
    echo_phrase("{ref} version {version} is a draft", ref=ref.upper(), version=version.version)


@objective.command("approve")
@click.argument("refs", nargs=-1, required=True)
@acting_user()
def approve(refs: tuple[str, ...], as_user: str) -> None:
    """Approve and sign drafts (asks for your password again, once).

    \b
    Example:
      qms objective approve MT-2026-01 MT-2026-02 --as quangnd
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        signed = lifecycle.approve_objectives(
            session, actor=actor, refs=list(refs), password=password, limits=signing_limits()
        )
        lines = [
            f"{lifecycle.get_objective_by_id(session, v.objective_id).ref} "
            f"version {v.version} approved"
            for v in signed
        ]
    click.echo("\n".join(lines))


@objective.command("result")
@click.argument("ref")
@click.option("--period", required=True, help="2026-03, 2026-Q1 or 2026-H1 (its frequency).")
@click.option("--value", required=True, help="The result, in the objective's unit.")
@click.option("--comment", default="", help="What the result means.")
@click.option(
    "--evidence",
    type=click.Path(path_type=Path),
    help="A file kept as evidence (a report, an extract).",
)
@acting_user()
def result(
    ref: str, period: str, value: str, comment: str, evidence: Path | None, as_user: str
) -> None:
    """Enter the result of one period (the objective's owner).

    \b
    Example:
      qms objective result MT-2026-03 --period 2026-Q3 --value 96.5 \\
          --comment "Quý III" --evidence bao-cao-q3.pdf --as hungpv
    """
    data = (
        read_file_input(evidence, option="--evidence", limit=results.MAX_EVIDENCE_BYTES)
        if evidence
        else None
    )
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        found = results.record_result(
            session,
            actor=actor,
            ref=ref,
            period=period,
            value=value,
            comment=comment,
            evidence=data,
            evidence_name=evidence.name if evidence else "",
            evidence_type=_media_type(evidence) if evidence else "",
        )
    shown = {"ref": ref.upper(), "period": found.period, "value": f"{found.value:g}"}
    if found.met:
        echo_phrase("{ref} {period}: {value} (met)", **shown)
    else:
        echo_phrase("{ref} {period}: {value} (not met)", **shown)


@objective.command("nonconformity")
@click.argument("ref")
@click.option("--period", required=True, help="The period whose result was not met.")
@acting_user()
def nonconformity(ref: str, period: str, as_user: str) -> None:
    """Open a nonconformity from a result not met, with its figures.

    \b
    Example:
      qms objective nonconformity MT-2026-03 --period 2026-Q3 --as hungpv
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        car = results.raise_nonconformity(session, actor=actor, ref=ref, period=period)
    echo_phrase("opened {ref}", ref=car)


@objective.command("list")
@click.option("--year", type=int, help="The year (default: this year).")
@format_option
def list_(year: int | None, fmt: str) -> None:
    """The objectives of a year, with their latest result.

    \b
    Example:
      qms objective list --year 2026 --format json
    """
    with reading() as session:
        shown = views.list_objectives(session, year=year or organisation.today(session).year)
    if fmt == "json":
        echo_json(as_json(shown))
        return
    rows = []
    for view in shown:
        last = view.results[-1] if view.results else None
        rows.append(
            [
                view.ref,
                view.department or "-",
                _version(view.version, view.status),
                view.indicator,
                _target(view.direction, view.target, view.unit),
                f"{last.period} {number(last.value)} {_met(last.met)}" if last else "-",
            ]
        )
    echo_table(
        [
            phrase("REF"),
            phrase("DEPT"),
            phrase("VERSION"),
            phrase("INDICATOR"),
            phrase("TARGET"),
            phrase("LATEST"),
        ],
        rows,
    )


@objective.command("show")
@click.argument("ref")
@acting_user(required=False)
@format_option
def show(ref: str, as_user: str | None, fmt: str) -> None:
    """One objective: its plan, approval and results with the trend.

    \b
    Example:
      qms objective show MT-2026-01 --as hungpv
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user) if as_user else None
        view = views.objective_view(session, ref, viewer)
    if fmt == "json":
        echo_json(as_json(view))
        return
    click.echo(f"{view.ref} ({view.year}, {view.department or '-'}): {view.indicator}")
    click.echo(
        said(
            "target {target}, {frequency}, owner {owner}, measure {measure}",
            target=_target(view.direction, view.target, view.unit),
            frequency=code_word(_FREQUENCIES, view.frequency),
            owner=view.owner,
            measure=code_word(_MEASURES, view.measure),
        )
        + (
            f" ({code_word(_SCOPES, view.scope_kind)} {view.scope_value})"
            if view.scope_kind
            else ""
        )
    )
    if view.approved_by:
        approval = said("approved by {user}", user=view.approved_by)
        if not view.signature_valid:
            approval += " (" + phrase("INVALID") + ")"
    else:
        approval = phrase("not approved")
    click.echo(said("version {version} {status}, {approval}", version=view.version,
                     status=code_word(_STATUSES, view.status), approval=approval))  # fmt: skip
    if view.document_lists_older:
        echo_phrase(
            "the {code} issue in force ({issue}) lists older objectives: revise {code} to "
            "issue them",
            code=str(view.document),
            issue=str(view.document_issue),
        )
    if view.plan_what:
        click.echo(said("plan: {plan}", plan=view.plan_what))
    rows = [
        [
            r.period,
            number(r.value),
            _met(r.met),
            code_word(_TRENDS, r.trend) if r.trend else "-",
            code_word(_ORIGINS, r.origin),
            r.nonconformity or "",
        ]
        for r in view.results
    ]
    if rows:
        echo_table(
            [
                phrase("PERIOD"),
                phrase("VALUE"),
                phrase("RESULT"),
                phrase("TREND"),
                phrase("ORIGIN"),
                phrase("CAR"),
            ],
            rows,
        )
    if viewer is not None:
        click.echo(steps_line(view.steps))


# Stored codes shown in the reader's words (English keeps the codes scripts match).
_STATUSES = {"draft": msg("draft"), "approved": msg("approved"), "superseded": msg("superseded")}
_FREQUENCIES = {
    "monthly": msg("monthly"),
    "quarterly": msg("quarterly"),
    "half_yearly": msg("half-yearly"),
}
_SCOPES = {"field": msg("field"), "procedure": msg("procedure"), "department": msg("department")}
_MEASURES = {
    "entered": msg("entered by the owner"),
    "on_time_rate": msg("on-time rate of imported dossiers"),
    "satisfaction_rate": msg("satisfaction rate of imported surveys"),
}
_TRENDS = {"better": msg("better"), "worse": msg("worse"), "same": msg("same")}
_ORIGINS = {"computed": msg("computed"), "entered": msg("entered")}


def _met(met: bool) -> str:
    return phrase("met") if met else phrase("not met")


def _version(version: int, status: str) -> str:
    return f"v{version} {code_word(_STATUSES, status)}"


def _target(direction: str, target: float, unit: str) -> str:
    return f"{_sign(direction)} {number(target)} {unit}"


def _sign(direction: str) -> str:
    return ">=" if direction == "at_least" else "<="


def _media_type(path: Path) -> str:
    import mimetypes

    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@objective.command("chart")
@click.argument("ref")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The SVG file to write.",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def chart(ref: str, out: Path, lang: str) -> None:
    """Draw an objective's results over its year against its target, as an SVG file.

    \b
    Example:
      qms objective chart MT-2026-01 --out mt-2026-01.svg
    """
    from qms.services.objectives import charts

    with reading() as session:
        view = views.objective_view(session, ref)
    out.write_text(charts.objective_svg(view, language=lang), encoding="utf-8")
    echo_phrase("wrote {file}", file=str(out))


@objective.command("pdf")
@click.option("--year", type=int, help="The year (default: this year).")
@click.option("--dept", "department", help="Only this department's objectives.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Print language.")
@output_file
@acting_user()
def pdf(
    year: int | None, department: str | None, language: str | None, output: Path, as_user: str
) -> None:
    """Print the approved objectives of a year with their plans and approval.

    \b
    Example:
      qms objective pdf --year 2026 -o muc-tieu-2026.pdf --as thultm
    """
    from qms.services.objectives import report

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        data = report.plan_pdf(
            session,
            actor=actor,
            year=year or organisation.today(session).year,
            department=department,
            language=language,
        )
    write_file(output, data)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(output), size=len(data))


@objective.command("report")
@click.option("--quarter", required=True, help="The quarter, e.g. 2026-Q3.")
@click.option("--dept", "department", help="Only this department's objectives.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Print language.")
@output_file
@acting_user()
def quarterly_report(
    quarter: str, department: str | None, language: str | None, output: Path, as_user: str
) -> None:
    """Print the quarterly objectives report: results of the quarter and of the
    year so far, met or not, trend, charts, nonconformities and signature lines.

    \b
    Example:
      qms objective report --quarter 2026-Q3 -o bao-cao-quy-3.pdf --as thultm
    """
    from qms.services.objectives import report

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        data = report.quarterly_pdf(
            session, actor=actor, quarter=quarter, department=department, language=language
        )
    write_file(output, data)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(output), size=len(data))


@objective.command("export")
@click.option("--year", type=int, help="The year (default: this year).")
@click.option("--dept", "department", help="Only this department's objectives.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Header language.")
@export_format
@output_file
@acting_user()
def export(
    year: int | None,
    department: str | None,
    language: str | None,
    fmt: str,
    output: Path,
    as_user: str,
) -> None:
    """Export the objectives of a year and their results as a spreadsheet.

    \b
    Example:
      qms objective export --year 2026 --format xlsx -o muc-tieu-2026.xlsx --as thultm
    """
    from qms.services.exports import tables

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        data = tables.objectives_xlsx(
            session,
            actor=actor,
            year=year or organisation.today(session).year,
            department=department,
            language=language,
        )
    write_file(output, data)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(output), size=len(data))
