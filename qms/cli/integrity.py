"""``qms verify``: every stored record against the trail, in one check."""

import click

from qms.cli.common import echo_json, echo_phrase, format_option, reading
from qms.cli.help import TranslatedHelp
from qms.errors import IntegrityProblem
from qms.settings import message_language


@click.command("verify", cls=TranslatedHelp)
@format_option
def verify(fmt: str) -> None:
    """Check every stored record against what the audit trail recorded.

    Verifies the trail's hash chain, then recomputes each issue's content hash from its
    text and compares it, its status, its signatures and its stored PDF with what the
    trail recorded when it was signed, rendered and published; does the same for audit
    reports, corrective action records and signed management review minutes (with the
    input pack frozen at the meeting's start), and checks every stored file against its
    hash.
    A hash rewritten in the database to match an edited text is caught here, where
    `qms trail verify` and `qms pdf verify` cannot see it.

    Exit code 0 when everything matches; 8 when anything differs, with one line per
    mismatch on stderr (or the whole report as JSON with --format json).

    \b
    Example:
      qms verify
      qms verify --format json > integrity-report.json
    """
    from qms.services.integrity import check
    from qms.views import as_json

    language = message_language()
    with reading() as session:
        report = check.run(session, viewer=None, language=language)
    if fmt == "json":
        echo_json(as_json(report))
    elif report.intact:
        echo_phrase(
            "intact: everything matches the audit trail (trail events {events}, issues "
            "{issues}, audits {audits}, corrective actions {actions}, management reviews "
            "{reviews}, stored files {files})",
            events=report.trail_events,
            issues=report.issues,
            audits=report.audits,
            actions=report.corrective_actions,
            reviews=report.reviews,
            files=report.files,
        )
    else:
        for mismatch in report.mismatches:
            click.echo(mismatch.message, err=True)
    if report.intact:
        return
    if len(report.mismatches) == 1:
        raise IntegrityProblem("1 mismatch between the stored records and the audit trail")
    raise IntegrityProblem(
        "{count:,} mismatches between the stored records and the audit trail",
        count=len(report.mismatches),
    )
