"""``qms pdf``: controlled PDFs of documents and compiled manuals."""

import gc
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import click

from qms.cli.common import acting_user, echo_phrase, label, phrase, reading, writing
from qms.cli.help import TranslatedGroup
from qms.domain import AuditStatus, CapaStatus, DocType, RevisionStatus
from qms.domain_words import WORDS
from qms.errors import IntegrityProblem, Text
from qms.settings import message_language

output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True
)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.FileError(str(path), exc.strerror) from None


def _wrote(path: Path, data: bytes) -> None:
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(path), size=len(data))


def _state(kind: type[StrEnum], value: str) -> str:
    """A record's state in the success line: as stored in English (what scripts match),
    in the reader's words in another language."""
    if message_language() == "en":
        return value
    word = label(WORDS[kind][value])
    return word[:1].lower() + word[1:]


def _wrote_record(path: Path, data: bytes, record: str, status: str) -> None:
    echo_phrase(
        "wrote {file} ({record}, {status}, {size:,} bytes)",
        file=str(path),
        record=record,
        status=status,
        size=len(data),
    )


@click.group(cls=TranslatedGroup)
def pdf() -> None:
    """Controlled PDFs: single documents and compiled manuals, records and the trail."""


@pdf.command("document")
@click.argument("code")
@click.option("--issue", type=int, help="Issue number (default: the effective one).")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Labels' language.")
@click.option("--pdfa", is_flag=True, help="PDF/A-3b for archiving (rendered now).")
@output_option
@acting_user(required=False)
def document(
    code: str,
    issue: int | None,
    language: str | None,
    pdfa: bool,
    output: Path,
    as_user: str | None,
) -> None:
    """Write the PDF of a document's issue.

    The effective issue's controlled copy is the one stored when it took effect (same
    bytes every time); other issues are rendered now with a DRAFT / SUPERSEDED / ...
    watermark. Staff (and no --as) get effective issues only.

    \b
    Example:
      qms pdf document QT-01 -o QT-01.pdf
      qms pdf document QT-01 --issue 1 --as thultm -o QT-01-lan-1.pdf
      qms pdf document QT-01 --pdfa -o QT-01-archive.pdf
    """
    from qms.services.documents import renditions
    from qms.services.people import users

    with reading() as session:
        viewer = users.get_active_user(session, as_user) if as_user else None
        doc, rev, data = renditions.document_pdf(
            session, viewer=viewer, code=code, issue=issue, language=language, pdfa=pdfa
        )
    _write(output, data)
    record = phrase("{code} issue {issue}").format(code=doc.code, issue=rev.issue)
    _wrote_record(output, data, record, _state(RevisionStatus, rev.status))


@pdf.command("manual")
@click.option(
    "--dept",
    "department",
    help="Only this department's documents in the organisation language (all its "
    "documents when the setting manual.other_languages is yes).",
)
@click.option(
    "--type", "doc_type", type=click.Choice([t.value for t in DocType]), help="Only this type."
)
@click.option(
    "--lang", "language", type=click.Choice(["vi", "en"]), default="vi", show_default=True
)
@output_option
def manual(department: str | None, doc_type: str | None, language: str, output: Path) -> None:
    """Compile the effective documents into one manual: cover, contents with links,
    bookmarks, then each document's controlled copy.

    An unchanged manual is served from storage without rendering.

    \b
    Example:
      qms pdf manual -o tai-lieu-hien-hanh.pdf
      qms pdf manual --dept TP --type procedure -o quy-trinh-tu-phap.pdf
    """
    from qms.render import launch_workers, stop_workers

    # The render worker loads WeasyPrint on the other core while this process loads the
    # models and reads the register; it is stopped as soon as the manual is made (at
    # once when it was served from storage, warm-up or not).
    launch_workers()
    try:
        # Loading the models makes many objects that live as long as the command and no
        # garbage: the collector neither runs meanwhile nor scans them afterwards.
        gc.disable()
        try:
            from qms.services.documents import renditions
        finally:
            gc.freeze()
            gc.enable()

        with (
            writing() as session,
            click.progressbar(length=1, label=phrase("compiling"), file=sys.stderr) as bar,
        ):

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            data = renditions.manual_pdf(
                session,
                department=department,
                doc_type=doc_type,
                language=language,
                progress=progress,
            )
    finally:
        stop_workers()
    _write(output, data)
    _wrote(output, data)


@pdf.command("audit")
@click.argument("ref")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Report language.")
@output_option
@acting_user()
def audit(ref: str, language: str | None, output: Path, as_user: str) -> None:
    """Write the report PDF of an internal audit.

    A reported or closed audit gives the bytes stored when it was reported (or signed);
    a planned or in-progress audit, or another language, is rendered now (watermarked
    until reported).

    \b
    Example:
      qms pdf audit IA-2026-01 -o IA-2026-01.pdf --as binhvt
      qms pdf audit IA-2026-01 --lang en -o IA-2026-01-en.pdf --as binhvt
    """
    from qms.services.audits import reports as audit_reports
    from qms.services.people import users

    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        found, data = audit_reports.report_pdf(session, viewer=viewer, ref=ref, language=language)
    _write(output, data)
    _wrote_record(output, data, found.ref, _state(AuditStatus, found.status))


@pdf.command("capa")
@click.argument("ref")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Record language.")
@output_option
def capa(ref: str, language: str | None, output: Path) -> None:
    """Write the record PDF of a corrective action (phiếu CAR).

    A closed record gives the bytes stored when it closed; a record in progress (or
    another language) is rendered now.

    \b
    Example:
      qms pdf capa CAR-2026-001 -o CAR-2026-001.pdf
      qms pdf capa CAR-2026-001 --lang en -o CAR-2026-001-en.pdf
    """
    from qms.services.capa import records as capa_records

    with reading() as session:
        car, data = capa_records.record_pdf(session, viewer=None, ref=ref, language=language)
    _write(output, data)
    _wrote_record(output, data, car.ref, _state(CapaStatus, car.status))


@pdf.command("capa-register")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Register language.")
@output_option
def capa_register(language: str | None, output: Path) -> None:
    """Write the corrective action register: every record with status, age and
    overdue flags.

    \b
    Example:
      qms pdf capa-register -o so-theo-doi-car.pdf
    """
    from qms.services.capa import records as capa_records

    with reading() as session:
        data = capa_records.register_pdf(session, viewer=None, language=language)
    _write(output, data)
    _wrote(output, data)


@pdf.command("trail")
@click.option("--entity", help="Only events about this kind of thing (document, audit...).")
@click.option("--id", "entity_id", help="Only events about this one (e.g. QT-01, IA-2026-01).")
@click.option("--actor", help="Only events by this user.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this local date on.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this local date.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), help="Print language.")
@output_option
def trail(
    entity: str | None,
    entity_id: str | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    language: str | None,
    output: Path,
) -> None:
    """Print audit trail events (at most 1,000, oldest first) with the state of the
    whole chain and its anchor at printing.

    \b
    Example:
      qms pdf trail --id QT-01 -o nhat-ky-QT-01.pdf
      qms pdf trail --since 2026-01-01 --until 2026-03-31 --lang en -o trail-q1.pdf
    """
    from qms.services.trail import view as trail_view

    filters = trail_view.TrailFilter(
        entity=entity,
        entity_id=entity_id,
        actor=actor,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    with reading() as session:
        data = trail_view.trail_pdf(session, viewer=None, filters=filters, language=language)
    _write(output, data)
    _wrote(output, data)


@pdf.command("verify")
def verify() -> None:
    """Check every stored PDF and file against its recorded SHA-256.

    Exit code 0 when all match, 8 when any stored file was altered.

    \b
    Example:
      qms pdf verify
    """
    from qms.services import blobs

    with reading() as session:
        count, problems = blobs.verify(session)
    if problems:
        if len(problems) > 1:
            raise IntegrityProblem(
                "{problem} ({count} more)", problem=problems[0].text, count=len(problems) - 1
            )
        first: Text = problems[0].text
        raise IntegrityProblem(first)
    echo_phrase("{count} stored files match their hashes", count=count)
