"""``qms report``: the yearly papers of a public body (the yearly report on the QMS and
the decision announcing its conformity to TCVN ISO 9001:2015)."""

from pathlib import Path

import click

from qms.cli.common import acting_user, echo_phrase, read_text_input, reading, writing
from qms.cli.help import TranslatedGroup
from qms.errors import ValidationError
from qms.services.people import users
from qms.services.yearly import conformity, drafts, report

TEXT_LIMIT = drafts.MAX_TEXT * 4  # bytes of UTF-8
YEAR = click.IntRange(min=drafts.FIRST_YEAR, max=9999)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.FileError(str(path), exc.strerror) from None


@click.group(cls=TranslatedGroup)
def report_group() -> None:
    """Yearly report (Báo cáo) and conformity decision (Quyết định công bố).

    The figures come from the database; what it cannot say (difficulties,
    proposals, legal bases, recipients, the place and the head who signs) is
    kept per year in a draft by the coordinator: see `qms report draft`.
    """


@report_group.command("draft")
@click.option("--year", type=YEAR, required=True, help="The year the papers are for.")
@click.option("--difficulties", type=click.Path(dir_okay=False), help="File: difficulties.")
@click.option("--proposals", type=click.Path(dir_okay=False), help="File: proposals.")
@click.option("--legal-bases", type=click.Path(dir_okay=False), help="File: one basis a line.")
@click.option("--recipients", type=click.Path(dir_okay=False), help="File: one recipient a line.")
@click.option(
    "--activities",
    type=click.Path(dir_okay=False),
    help="File: activities covered beyond the one-stop-desk procedures, one a line.",
)
@click.option("--place", help="Place name of the date line, e.g. Hồng Hà.")
@click.option("--signer", help="Name of the head who signs.")
@acting_user()
def draft(
    year: int,
    difficulties: str | None,
    proposals: str | None,
    legal_bases: str | None,
    recipients: str | None,
    activities: str | None,
    place: str | None,
    signer: str | None,
    as_user: str,
) -> None:
    """Save the free texts of a year's papers; fields not given stay as they were.

    \b
    Example:
      qms report draft --year 2026 --difficulties kho-khan.txt \\
          --proposals de-xuat.txt --place "Hồng Hà" --as thultm
    """
    files = {
        "difficulties": difficulties,
        "proposals": proposals,
        "legal_bases": legal_bases,
        "recipients": recipients,
        "activities": activities,
    }
    texts = {
        name: read_text_input(path, option="--" + name.replace("_", "-"), limit=TEXT_LIMIT)
        for name, path in files.items()
        if path is not None
    }
    texts |= {name: value for name, value in (("place", place), ("signer", signer)) if value}
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        drafts.save_draft(session, actor=actor, year=year, texts=texts)
    echo_phrase("saved the draft of {year}", year=year)


@report_group.command("yearly")
@click.option("--year", type=YEAR, required=True, help="The year reported on.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Print language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@acting_user()
def yearly(year: int, language: str | None, output: Path | None, as_user: str) -> None:
    """Write the yearly report on building, applying, maintaining and improving the
    QMS, for the supervising authority (recorded on the trail).

    \b
    Example:
      qms report yearly --year 2026 -o bao-cao-iso-2026.pdf --as thultm
    """
    output = output or Path(f"bao-cao-iso-{year}.pdf")
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        data = report.issue_report(session, actor=actor, year=year, language=language)
    _write(output, data)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(output), size=len(data))


@report_group.command("conformity")
@click.option("--issue", is_flag=True, help="Issue a new decision for the current scope.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Print language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@acting_user(required=False)
def conformity_decision(
    issue: bool, language: str | None, output: Path | None, as_user: str | None
) -> None:
    """Write the decision announcing the QMS's conformity to TCVN ISO 9001:2015 (the
    latest one); with --issue, first issue a new one because the scope changed.

    \b
    Example:
      qms report conformity --issue --as thultm -o quyet-dinh-cong-bo.pdf
      qms report conformity -o quyet-dinh-cong-bo.pdf
    """
    if issue:
        if not as_user:
            raise ValidationError("issuing a decision needs the acting user: give --as")
        with writing() as session:
            actor = users.get_active_user(session, as_user)
            issued = conformity.issue_decision(session, actor=actor)
        echo_phrase(
            "issued decision {ref} of {date}: {count} procedures and activities",
            ref=issued.ref,
            date=issued.issued_on.isoformat(),
            count=len(issued.procedures),
        )
    with reading() as session:
        ref, data = conformity.decision_pdf(session, language=language)
    output = output or Path("quyet-dinh-cong-bo-iso.pdf")
    _write(output, data)
    echo_phrase(
        "wrote {path} (decision {ref}, {size:,} bytes)",
        path=str(output),
        ref=ref,
        size=len(data),
    )
