"""``qms records``: the list of records (danh mục hồ sơ, ISO 9001 7.5.3), the batches
kept, and their disposal."""

from datetime import datetime
from pathlib import Path

import click

from qms.cli.common import (
    acting_user,
    code_word,
    echo_json,
    echo_phrase,
    echo_table,
    format_option,
    message_text,
    phrase,
    reading,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.errors import Text
from qms.i18n import msg
from qms.services.people import organisation, users
from qms.services.records import batches, listing, tables, views
from qms.views import as_json

DATE = click.DateTime(["%Y-%m-%d"])


def problem_line(problem: listing.SourceProblem) -> str:
    """A records table that cannot be read, as one warning line."""
    return "warning: " + message_text(
        Text(
            "{code} issue {issue}, line {line}: {problem}",
            code=problem.code,
            issue=problem.issue,
            line=problem.line,
            problem=problem.text,
        )
    )


@click.group(cls=TranslatedGroup)
def records() -> None:
    """The list of records (Danh mục hồ sơ): retention, batches kept, disposal.

    The list is read from the records table ("HỒ SƠ CẦN LƯU") of each effective
    procedure, and changes when a new issue takes effect; the coordinator adds
    lines by hand too. A batch (the records of one kind closed in one year) may
    be disposed of once its retention has passed, approved by a second person.
    """


@records.command("list")
@click.option("--dept", "department", help="Only this department's records.")
@click.option("--medium", type=click.Choice(tables.MEDIA), help="Only records kept so.")
@format_option
def list_(department: str | None, medium: str | None, fmt: str) -> None:
    """The list of records: each kind with its form, keeper, medium and retention.

    \b
    Example:
      qms records list --dept TP --format json
    """
    with reading() as session:
        shown = views.list_view(
            session, today=organisation.today(session), department=department, medium=medium
        )
    if fmt == "json":
        echo_json(as_json(shown))
        return
    rows = [
        [str(v.id), v.department or "-", v.source or "-", v.form_code or "-", v.name,
         v.location or "-", code_word(_MEDIA, v.medium), v.retention, str(len(v.batches))]
        for v in shown
    ]  # fmt: skip
    echo_table(
        [
            phrase("ID"),
            phrase("DEPT"),
            phrase("SOURCE"),
            phrase("FORM"),
            phrase("RECORD"),
            phrase("KEPT AT"),
            phrase("MEDIUM"),
            phrase("RETENTION"),
            phrase("BATCHES"),
        ],
        rows,
    )


@records.command("check")
@format_option
def check(fmt: str) -> None:
    """Name the records tables of effective procedures that cannot be read.

    Each problem is given by document code and line of its body; the exit code
    is 1 when there is any. Such a table never stops an issue taking effect.

    \b
    Example:
      qms records check
    """
    with reading() as session:
        found = listing.problems(session, fresh=True)
    if fmt == "json":
        echo_json(
            [
                {"code": p.code, "issue": p.issue, "line": p.line, "problem": message_text(p.text)}
                for p in found
            ]
        )
    else:
        for problem in found:
            click.echo(problem_line(problem))
        if not found:
            echo_phrase("every records table can be read")
    if found:
        raise SystemExit(1)


@records.command("rebuild")
@acting_user()
def rebuild(as_user: str) -> None:
    """Read the records tables of every effective procedure again.

    Lines read from procedures are brought in step with their effective issues
    (after upgrading from a version without the list, say); hand lines stay.

    \b
    Example:
      qms records rebuild --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        found = listing.rebuild(session, actor=actor)
        count = len(views.list_view(session, today=organisation.today(session)))
    for problem in found:
        click.echo(problem_line(problem), err=True)
    echo_phrase("the list of records has {count} lines", count=count)


@records.command("add")
@click.option("--name", required=True, help="The record, in one line.")
@click.option("--retention", required=True, help='Years ("5 năm"), or "Vĩnh viễn".')
@click.option("--dept", "department", help="The department that keeps it.")
@click.option("--form", "form_code", default="", help="The form that produces it (BM-..).")
@click.option("--process", default="", help="The process it belongs to.")
@click.option("--location", default="", help="Where it is kept.")
@click.option("--medium", type=click.Choice(tables.MEDIA), default="paper", show_default=True)
@click.option("--disposal", default="", help="How it is disposed of.")
@acting_user()
def add(
    name: str,
    retention: str,
    department: str | None,
    form_code: str,
    process: str,
    location: str,
    medium: str,
    disposal: str,
    as_user: str,
) -> None:
    """Add a line to the list by hand (the coordinator); it stays when procedures change.

    \b
    Example:
      qms records add --name "Sổ công văn đến" --retention "10 năm" --dept VP \\
          --location "Văn thư" --disposal "Hủy theo quyết định" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        line = listing.add_line(
            session,
            actor=actor,
            name=name,
            retention=retention,
            department=department,
            form_code=form_code,
            process=process,
            location=location,
            medium=medium,
            disposal=disposal,
        )
        echo_phrase("added line {id}: {name}", id=line.id or 0, name=line.name)


@records.command("remove")
@click.argument("line_id", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why it leaves the list.")
@acting_user()
def remove(line_id: int, reason: str, as_user: str) -> None:
    """Take a line added by hand off the list (its batches keep their retention).

    \b
    Example:
      qms records remove 61 --reason "Gộp vào dòng 12" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        listing.remove_line(session, actor=actor, line_id=line_id, reason=reason)
    echo_phrase("removed line {id}", id=line_id)


@records.command("keep")
@click.argument("line_id", type=click.IntRange(min=1))
@click.option("--year", type=click.IntRange(min=1), required=True, help="Year they closed.")
@click.option("--count", type=click.IntRange(min=1), help="How many files or boxes.")
@click.option("--description", default="", help="What the batch holds, where.")
@acting_user()
def keep(line_id: int, year: int, count: int | None, description: str, as_user: str) -> None:
    """Register the records of one line closed in one year as kept.

    \b
    Example:
      qms records keep 12 --year 2019 --count 4 --description "4 hộp, kho tầng 2" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        batch = batches.keep_batch(
            session, actor=actor, line_id=line_id, year=year, count=count, description=description
        )
        echo_phrase("kept batch {id} ({year})", id=batch.id or 0, year=str(batch.year))


@records.command("due")
@format_option
def due(fmt: str) -> None:
    """Batches past their retention, not yet disposed of.

    \b
    Example:
      qms records due
    """
    with reading() as session:
        found = views.due(session, today=organisation.today(session))
    if fmt == "json":
        echo_json(as_json(found))
        return
    rows = [
        [str(b.id), b.department or "-", b.record, str(b.year), str(b.count or "-"),
         f"{b.due_from:%Y-%m-%d}" if b.due_from else "-", b.description]
        for b in found
    ]  # fmt: skip
    echo_table(
        [
            phrase("BATCH"),
            phrase("DEPT"),
            phrase("RECORD"),
            phrase("YEAR"),
            phrase("COUNT"),
            phrase("DUE FROM"),
            phrase("DESCRIPTION"),
        ],
        rows,
    )


@records.command("dispose")
@click.argument("batch_id", type=click.IntRange(min=1))
@click.option("--approved-by", required=True, metavar="USERNAME", help="Who approved it.")
@click.option("--method", default="", help="How (default: the line's disposal method).")
@click.option("--on", "disposed_on", type=DATE, help="YYYY-MM-DD (default today).")
@click.option("--reference", default="", help="The decision or minutes of the disposal.")
@acting_user()
def dispose(
    batch_id: int,
    approved_by: str,
    method: str,
    disposed_on: datetime | None,
    reference: str,
    as_user: str,
) -> None:
    """Record the disposal of a batch past its retention, approved by another person.

    \b
    Example:
      qms records dispose 1 --approved-by haitt --method "Hủy bằng máy hủy giấy" \\
          --reference "QĐ 15/QĐ-UBND" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        batch = batches.dispose_batch(
            session,
            actor=actor,
            batch_id=batch_id,
            approved_by=approved_by,
            method=method,
            disposed_on=disposed_on.date() if disposed_on else None,
            reference=reference,
        )
        echo_phrase(
            "batch {id} disposed of on {date}",
            id=batch_id,
            date=f"{batch.disposed_on:%Y-%m-%d}",
        )


@records.command("pdf")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The PDF file to write.",
)
@click.option("--dept", "department", help="Only this department's records.")
@click.option("--lang", type=click.Choice(["vi", "en"]), help="Default: the organisation's.")
def pdf(out: Path, department: str | None, lang: str | None) -> None:
    """Print the list of records (Danh mục hồ sơ) as a PDF, landscape.

    \b
    Example:
      qms records pdf --out danh-muc-ho-so.pdf
    """
    from qms.services.records import printing

    with reading() as session:
        data = printing.list_pdf(session, department=department, language=lang)
    out.write_bytes(data)
    echo_phrase("wrote {file}", file=str(out))


# A line's medium in the reader's words, as the records page shows it (English keeps the code).
_MEDIA = {
    "paper": msg("Paper"),
    "electronic": msg("Electronic"),
    "both": msg("Paper and electronic"),
}
