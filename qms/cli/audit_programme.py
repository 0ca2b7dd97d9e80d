"""``qms audit`` commands for the yearly programme, its coverage and the grade scale."""

from pathlib import Path

import click

from qms.cli.common import (
    acting_user,
    comma_list,
    echo_json,
    echo_phrase,
    echo_table,
    format_option,
    phrase,
    read_text_input,
    reading,
    writing,
)
from qms.cli.help import TranslatedHelp
from qms.services.audits import programme as audit_programme
from qms.services.audits import views as audit_views
from qms.services.people import users
from qms.views import as_json

MAX_GRADES_BYTES = 1024 * 1024  # a grade scale is a few lines of JSON


@click.command("programme", cls=TranslatedHelp)
@click.argument("year", type=int)
@click.option("--objectives", required=True, help="Objectives of the year's programme.")
@acting_user()
def programme(year: int, objectives: str, as_user: str) -> None:
    """Create the audit programme of a year, or change its objectives.

    \b
    Example:
      qms audit programme 2026 --objectives "Đánh giá toàn bộ HTQLCL hai lần" --as binhvt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        audit_programme.set_programme(session, actor=actor, year=year, objectives=objectives)
    echo_phrase("audit programme {year} saved", year=str(year))


@click.command("programme-entry", cls=TranslatedHelp)
@click.argument("year", type=int)
@click.argument("department")
@click.option("--clauses", default="", help="ISO 9001 clauses, comma-separated: 7.5,8.5.")
@click.option("--processes", default="", help="Procedure codes, comma-separated: QT-01,QT-02.")
@click.option("--importance", type=click.Choice(["high", "medium", "low"]), required=True)
@click.option("--months", help="Month of each planned audit, comma-separated: 3,9.")
@acting_user()
def programme_entry(
    year: int,
    department: str,
    clauses: str,
    processes: str,
    importance: str,
    months: str | None,
    as_user: str,
) -> None:
    """Set a department's line of the programme; the frequency follows from importance
    and last year's nonconformities.

    \b
    Example:
      qms audit programme-entry 2026 TP --clauses 7.5,8.5 --processes QT-01 \\
          --importance high --months 3,9 --as binhvt
    """
    try:
        month_list = [int(m) for m in comma_list(months)] if months else None
    except ValueError:
        raise click.BadParameter("months are numbers 1-12", param_hint="--months") from None
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        entry = audit_programme.set_entry(
            session,
            actor=actor,
            year=year,
            department=department,
            processes=comma_list(processes),
            clauses=comma_list(clauses),
            importance=importance,
            months=month_list,
        )
    echo_phrase(
        "{dept}: {count} audits in {year} ({rationale})",
        dept=department.upper(),
        count=entry.frequency,
        year=str(year),
        rationale=entry.rationale,
    )


@click.command("coverage", cls=TranslatedHelp)
@click.argument("year", type=int)
@acting_user()
@format_option
def coverage(year: int, as_user: str, fmt: str) -> None:
    """Which clauses and departments the year's audits reach, and which none does.

    \b
    Example:
      qms audit coverage 2026 --as binhvt
      qms audit coverage 2026 --format json --as thultm
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        result = audit_programme.coverage(session, year=year, viewer=viewer)
    if fmt == "json":
        echo_json(as_json(result))
        return
    echo_table(
        [phrase("CLAUSE"), phrase("PLANNED"), phrase("AUDITS")],
        [
            [c.clause, phrase("yes") if c.planned else "", ", ".join(c.audits)]
            for c in result.clauses
        ],
    )
    click.echo("")
    echo_table(
        [phrase("DEPT"), phrase("PLANNED"), phrase("AUDITS")],
        [
            [d.code, f"{d.frequency}x" if d.planned else "", ", ".join(d.audits)]
            for d in result.departments
        ],
    )
    click.echo("")
    none = phrase("none")
    echo_phrase(
        "clauses no audit reaches: {clauses}", clauses=", ".join(result.unreached_clauses) or none
    )
    echo_phrase(
        "departments no audit reaches: {departments}",
        departments=", ".join(result.unreached_departments) or none,
    )


@click.command("grades", cls=TranslatedHelp)
@click.option(
    "--set",
    "grades_file",
    type=click.Path(path_type=Path),
    help="JSON file: a list of {code, vi, en, nonconformity}; the first grade conforms.",
)
@acting_user()
@format_option
def grades(grades_file: Path | None, as_user: str, fmt: str) -> None:
    """Show the grade scale new audits freeze when they start, or replace it.

    \b
    Example:
      qms audit grades --as thultm
      qms audit grades --set thang-danh-gia.json --as thultm
    """
    from qms.services.audits import checklists

    if grades_file is not None:
        grades_json = read_text_input(grades_file, option="--set", limit=MAX_GRADES_BYTES)
        with writing() as session:
            actor = users.get_active_user(session, as_user)
            scale = checklists.set_grades(session, actor=actor, grades_json=grades_json)
    else:
        with reading() as session:
            viewer = users.get_active_user(session, as_user)
            scale = audit_views.grade_scale(session, viewer=viewer)
    if fmt == "json":
        echo_json(as_json(list(scale)))
        return
    echo_table(
        [phrase("CODE"), phrase("NONCONFORMITY"), phrase("VI"), phrase("EN")],
        [[g.code, phrase("yes") if g.nonconformity else "", g.vi, g.en] for g in scale],
    )
