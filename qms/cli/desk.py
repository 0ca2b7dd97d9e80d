"""``qms data``: one-stop-desk figures: imports, rates, complaints and feedback."""

from datetime import datetime
from pathlib import Path

import click

from qms.cli.common import (
    acting_user,
    app,
    code_word,
    echo_json,
    echo_phrase,
    echo_table,
    export_format,
    figure,
    format_option,
    label,
    output_file,
    percent,
    phrase,
    read_file_input,
    read_text_input,
    reading,
    write_file,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.i18n import msg
from qms.services.desk import dossiers, feedback, rates, satisfaction
from qms.services.desk.dossiers import ImportResult
from qms.services.desk.mapping import ImportMapping
from qms.services.objectives.periods import Frequency
from qms.services.people import organisation, users
from qms.text import shorten
from qms.views import as_json

MAX_MAPPING_BYTES = 256 * 1024
DATE = click.DateTime(["%Y-%m-%d"])


@click.group(cls=TranslatedGroup)
def data() -> None:
    """One-stop-desk figures: dossier statistics, satisfaction surveys, complaints.

    Imports (CSV or XLSX) are checked whole: a file with one bad row is refused
    with the row and column named, and nothing is written. The same file imports
    once. The largest file accepted is QMS_IMPORT_MAX_BYTES (default 20 MiB).
    """


@data.group("import")
def import_() -> None:
    """Import a file exported by the one-stop-desk system or a survey."""


_mapping_option = click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    help="YAML file naming the columns (default: the Vietnamese headers).",
)


def _mapping(path: Path | None) -> ImportMapping:
    from qms.services.desk import mapping

    if path is None:
        return ImportMapping()
    text = read_text_input(path, option="--mapping", limit=MAX_MAPPING_BYTES)
    return mapping.parse(text, filename=path.name)


def _read(path: Path) -> bytes:
    limit = app(click.get_current_context()).settings.import_max_bytes
    return read_file_input(path, option="FILE", limit=limit)


def _report(result: ImportResult, path: Path) -> None:
    if result.already:
        echo_phrase(
            "{file} was imported before (import {number}): nothing changed",
            file=path.name,
            number=result.import_id,
        )
        return
    echo_phrase(
        "imported {count} rows from {file} ({periods})",
        count=result.rows,
        file=path.name,
        periods=", ".join(result.periods),
    )
    for ref in result.nonconformities:
        echo_phrase("opened {ref}", ref=ref)
    for filled in result.results:
        echo_phrase("result {result}", result=filled)


@import_.command("dossiers")
@click.argument("file", type=click.Path(path_type=Path))
@_mapping_option
@acting_user()
def import_dossiers(file: Path, mapping: Path | None, as_user: str) -> None:
    """Dossier statistics: one row per procedure (or field) and month.

    Columns: Kỳ báo cáo, Lĩnh vực, Mã thủ tục, Tên thủ tục, Đơn vị, Tiếp nhận,
    Giải quyết trước hạn, Đúng hạn, Trễ hạn, Đang giải quyết trong hạn, Quá hạn.
    A row with more late dossiers than the desk.late_threshold setting (default
    5) opens a nonconformity. Coordinators (controllers) import.

    \b
    Example:
      qms data import dossiers thong-ke-2026.xlsx --as thultm
    """
    columns = _mapping(mapping).dossiers
    content = _read(file)
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        result = dossiers.import_dossiers(
            session,
            actor=actor,
            data=content,
            filename=file.name,
            max_bytes=app(click.get_current_context()).settings.import_max_bytes,
            mapping=columns,
        )
    _report(result, file)


@import_.command("satisfaction")
@click.argument("file", type=click.Path(path_type=Path))
@_mapping_option
@acting_user()
def import_satisfaction(file: Path, mapping: Path | None, as_user: str) -> None:
    """Satisfaction survey (BM-MC-01): per respondent or counted per question.

    Per respondent: Kỳ báo cáo, Lĩnh vực, Số phiếu and one column per question
    (Câu 1 ... Câu 9, Đánh giá chung) holding a level or its number (1 = Rất hài
    lòng). Counted: Kỳ báo cáo, Lĩnh vực, Câu hỏi and one column per level.

    \b
    Example:
      qms data import satisfaction khao-sat-q3.csv --as thultm
    """
    survey = _mapping(mapping).satisfaction
    content = _read(file)
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        result = satisfaction.import_survey(
            session,
            actor=actor,
            data=content,
            filename=file.name,
            max_bytes=app(click.get_current_context()).settings.import_max_bytes,
            mapping=survey,
        )
    _report(result, file)


@data.command("on-time")
@click.option("--year", type=int, help="The year (default: this year).")
@click.option("--by", type=click.Choice(rates.GROUPS), default="field", show_default=True)
@click.option(
    "--frequency",
    type=click.Choice([f.value for f in Frequency]),
    default="quarterly",
    show_default=True,
)
@format_option
def on_time(year: int | None, by: str, frequency: str, fmt: str) -> None:
    """On-time rate of resolved dossiers per procedure, field or department.

    \b
    Example:
      qms data on-time --year 2026 --by procedure --frequency monthly
    """
    with reading() as session:
        rows = rates.on_time_table(
            session,
            year=year or organisation.today(session).year,
            by=by,
            frequency=Frequency(frequency),
        )
    if fmt == "json":
        echo_json([{**row.__dict__, "rate": row.rate} for row in rows])
        return
    echo_table(
        [
            phrase("PERIOD"),
            label(_GROUP_HEADINGS[by]),
            phrase("RECEIVED"),
            phrase("RESOLVED"),
            phrase("ON TIME"),
            phrase("LATE"),
            phrase("RATE %"),
        ],
        [
            [
                r.period,
                r.group,
                figure(r.received),
                figure(r.resolved),
                figure(r.on_time),
                figure(r.late),
                percent(r.rate),
            ]
            for r in rows
        ],
    )


@data.command("satisfaction")
@click.option("--year", type=int, help="The year (default: this year).")
@click.option(
    "--frequency",
    type=click.Choice([f.value for f in Frequency]),
    default="quarterly",
    show_default=True,
)
@format_option
def satisfaction_rates(year: int | None, frequency: str, fmt: str) -> None:
    """Satisfaction rate per field and period (answers at a satisfied level).

    \b
    Example:
      qms data satisfaction --year 2026
    """
    with reading() as session:
        rows = rates.satisfaction_table(
            session, year=year or organisation.today(session).year, frequency=Frequency(frequency)
        )
    if fmt == "json":
        echo_json([{**row.__dict__, "rate": row.rate} for row in rows])
        return
    echo_table(
        [
            phrase("PERIOD"),
            phrase("FIELD"),
            phrase("ANSWERS"),
            phrase("SATISFIED"),
            phrase("RATE %"),
        ],
        [
            [
                r.period,
                r.field,
                figure(r.answers),
                figure(r.satisfied),
                percent(r.rate),
            ]
            for r in rows
        ],
    )


@data.group("feedback")
def feedback_group() -> None:
    """Complaints and feedback from citizens (phản ánh, kiến nghị)."""


@feedback_group.command("add")
@click.option("--kind", type=click.Choice(feedback.KINDS), required=True)
@click.option("--received", type=DATE, required=True, help="Date received (YYYY-MM-DD).")
@click.option("--dept", "department", required=True, help="Department concerned.")
@click.option("--summary", required=True, help="What the citizen said.")
@click.option("--channel", default="", help="How it came: hotline, letter, counter...")
@click.option("--field", "field_", default="", help="Field of the procedure.")
@acting_user()
def feedback_add(
    kind: str,
    received: datetime,
    department: str,
    summary: str,
    channel: str,
    field_: str,
    as_user: str,
) -> None:
    """Record a complaint or other feedback.

    \b
    Example:
      qms data feedback add --kind complaint --received 2026-10-12 --dept TP \\
          --summary "Phải đi lại 3 lần để bổ sung hồ sơ" --channel "Hòm thư góp ý" --as huongnt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        item = feedback.record_feedback(
            session,
            actor=actor,
            kind=kind,
            received_on=received.date(),
            department=department,
            summary=summary,
            channel=channel,
            field=field_,
        )
    echo_phrase("recorded {ref}", ref=item.ref)


@feedback_group.command("list")
@click.option("--year", type=int, help="The year received (default: this year).")
@format_option
def feedback_list(year: int | None, fmt: str) -> None:
    """Complaints and feedback of a year, with the nonconformity each became.

    \b
    Example:
      qms data feedback list --year 2026
    """
    with reading() as session:
        rows = feedback.list_feedback(session, year=year or organisation.today(session).year)
    if fmt == "json":
        echo_json(as_json(rows))
        return
    echo_table(
        [
            phrase("REF"),
            phrase("KIND"),
            phrase("RECEIVED"),
            phrase("DEPT"),
            phrase("CAR"),
            phrase("SUMMARY"),
        ],
        [
            [
                r.ref,
                code_word(_FEEDBACK_KINDS, r.kind),
                r.received_on.isoformat(),
                r.department,
                r.nonconformity or "",
                shorten(r.summary, 60),
            ]
            for r in rows
        ],
    )


@feedback_group.command("nonconformity")
@click.argument("ref")
@acting_user()
def feedback_nonconformity(ref: str, as_user: str) -> None:
    """Open a nonconformity (source complaint) from a complaint or feedback.

    \b
    Example:
      qms data feedback nonconformity PA-2026-001 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        car = feedback.raise_nonconformity(session, actor=actor, ref=ref)
    echo_phrase("opened {ref}", ref=car)


@data.command("export")
@click.option("--year", type=int, help="The year (default: this year).")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Header language.")
@export_format
@output_file
@acting_user()
def export(year: int | None, language: str | None, fmt: str, output: Path, as_user: str) -> None:
    """Export a year's figures as a spreadsheet: on-time rates per procedure, field
    and department, satisfaction per field and quarter, complaints and feedback.

    \b
    Example:
      qms data export --year 2026 --format xlsx -o mot-cua-2026.xlsx --as thultm
    """
    from qms.services.exports import tables

    with writing() as session:
        actor = users.get_active_user(session, as_user)
        workbook = tables.desk_xlsx(
            session,
            actor=actor,
            year=year or organisation.today(session).year,
            language=language,
        )
    write_file(output, workbook)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(output), size=len(workbook))


# Headings and stored codes in the reader's words (English keeps the codes scripts match).
_GROUP_HEADINGS = {
    "procedure": msg("PROCEDURE"),
    "field": msg("FIELD"),
    "department": msg("DEPARTMENT"),
}
_FEEDBACK_KINDS = {"complaint": msg("Complaint"), "feedback": msg("Feedback")}
