"""The ``qms`` command. Each area is a sub-group in its own module; commands parse
input, call one service and print the result. Errors become one line on stderr."""

import gc
import importlib
import sys
from typing import Any

import click

from qms import __version__
from qms.cli.help import TranslatedGroup, help_gettext
from qms.errors import DatabaseProblem, QMSError, Text
from qms.settings import message_language

# Each area's module is imported only when one of its commands runs, so ``qms --help``
# does not pay for SQLAlchemy and the models. The summaries are the groups' first
# docstring lines (a test keeps them equal).
AREAS: dict[str, tuple[str, str]] = {
    "init": ("qms.cli.setup:init", "Create the database or upgrade it to this version's schema."),
    "dept": (
        "qms.cli.people:dept",
        "Departments (Phòng ban): the units that own documents and are audited.",
    ),
    "user": (
        "qms.cli.people:user",
        "Users and their roles: admin, controller, reviewer, approver, auditor, staff.",
    ),
    "doc": (
        "qms.cli.docs:doc",
        "Documents and their issues: register, revise, review, approve, publish.",
    ),
    "audit": (
        "qms.cli.audits:audit",
        "Internal audits (Đánh giá nội bộ): programme, plan, checklist, findings, report.",
    ),
    "capa": (
        "qms.cli.capa:capa",
        "Nonconformities and corrective actions: contain, analyse, act, verify, close.",
    ),
    "objective": (
        "qms.cli.objectives:objective",
        "Quality objectives (Mục tiêu chất lượng): plan, approve, measure, report.",
    ),
    "risk": (
        "qms.cli.risks:risk",
        "Risks and opportunities (Rủi ro và cơ hội): assess, treat, act, review.",
    ),
    "data": (
        "qms.cli.desk:data",
        "One-stop-desk figures: dossier statistics, satisfaction surveys, complaints.",
    ),
    "pdf": (
        "qms.cli.pdf:pdf",
        "Controlled PDFs: single documents and compiled manuals, records and the trail.",
    ),
    "trail": ("qms.cli.trail:trail", "The append-only, hash-chained audit trail."),
    "backup": (
        "qms.cli.backup:backup",
        "Write a consistent snapshot of the database, with a manifest, to one file.",
    ),
    "restore": (
        "qms.cli.backup:restore",
        "Restore a backup file into an empty database, and verify it.",
    ),
    "verify": (
        "qms.cli.integrity:verify",
        "Check every stored record against what the audit trail recorded.",
    ),
    "jobs": (
        "qms.cli.jobs:jobs",
        "Scheduled work: publish what is due, remind, send mail, anchor the trail, free storage.",
    ),
    "batch": ("qms.cli.batch:batch", "Run many qms commands, one a line, in one process."),
    "serve": (
        "qms.cli.serve:serve",
        "The web application: pages for people, a JSON API under /api.",
    ),
    "report": (
        "qms.cli.reports:report_group",
        "Yearly report (Báo cáo) and conformity decision (Quyết định công bố).",
    ),
    "review": (
        "qms.cli.reviews:review",
        "Management review (Xem xét của lãnh đạo): plan, pack, minutes, decisions, sign.",
    ),
    "records": (
        "qms.cli.records:records",
        "The list of records (Danh mục hồ sơ): retention, batches kept, disposal.",
    ),
}


class CommandFailed(click.ClickException):
    """An expected failure: printed as one line, exit code chosen by the error's kind."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a ClassVar

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class QmsGroup(TranslatedGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(AREAS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in AREAS:
            return None
        module_name, attribute = AREAS[cmd_name][0].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        _StartUp.done()
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        gettext = help_gettext() or str
        rows = [(name, gettext(AREAS[name][1])) for name in self.list_commands(ctx)]
        with formatter.section(gettext("Commands")):
            formatter.write_dl(rows)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _usage_error_in_language(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            message_language()  # a wrong QMS_LANGUAGE is refused before anything runs
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _usage_error_in_language(exc) from None
        except QMSError as exc:
            message = _in_language(ctx, exc)
            if exc.option:
                message += f" ({exc.option})"
            raise CommandFailed(message, exc.exit_code) from None
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            cure = _schema_cure(ctx)
            if cure is not None:
                raise CommandFailed(_in_language(ctx, cure), cure.exit_code) from None
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise CommandFailed(f"database problem: {detail}", 9) from None


def _usage_error_in_language(error: click.UsageError) -> click.UsageError:
    """click's usage error (bad options, unknown command) in the language of the messages."""
    gettext = help_gettext()
    if gettext is None:
        return error
    from qms.cli.usage_errors import TranslatedUsageError

    return TranslatedUsageError(error, gettext)


def _is_database_error(exc: Exception) -> bool:
    """Only a loaded SQLAlchemy can have failed: ``qms doc --help`` (click's Exit is an
    Exception too) and usage errors do not import it just to ask."""
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    return sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.SQLAlchemyError)


class NoSchema(DatabaseProblem):
    """A database problem with a known cure."""

    def __init__(self) -> None:
        super().__init__(Text("the database has no tables yet: run 'qms init' first"))


class OlderSchema(DatabaseProblem):
    def __init__(self) -> None:
        super().__init__(
            Text("the database is from an earlier version of qms: run 'qms init' to upgrade it")
        )


def _schema_cure(ctx: click.Context) -> DatabaseProblem | None:
    """After a database error: is it because ``qms init`` never ran on this database, or
    has not upgraded it since this version came? Asked only then, so a command that works
    pays nothing; a database that cannot be reached at all keeps its own message."""
    engine = getattr(ctx.find_root().obj, "opened_engine", None)
    if engine is None:
        return None
    from qms.db import NewerSchema, current_revision, has_schema, head_revision, known_revisions

    try:
        if not has_schema(engine):
            return NoSchema()
        found = current_revision(engine)
        if found is not None and found not in known_revisions():
            return NewerSchema(found)
        return OlderSchema() if found != head_revision() else None
    except Exception:
        return None


def _in_language(ctx: click.Context, error: QMSError) -> str:
    """The message in the language of the settings (QMS_LANGUAGE); English by default and
    when the setting itself is what failed."""
    settings = getattr(ctx.find_root().obj, "settings", None)
    try:
        language = settings.language if settings is not None else message_language()
    except QMSError:
        return str(error)
    if language == "en":
        return str(error)
    from qms.i18n import in_language

    return in_language(error, language)


@click.group(cls=QmsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qms")
def cli() -> None:
    """ISO 9001 document control: controlled documents, signatures, audit trail.

    The database is QMS_DATABASE_URL (default: qms.db in the current folder;
    postgresql://user@host/db for a shared server). Messages are in English;
    QMS_LANGUAGE=vi prints them in Vietnamese.

    \b
    Example:
      qms init --demo
      qms doc list --search "kiem soat"
    """


class _StartUp:
    """The garbage collector of a ``qms`` process waits while the command's modules are
    imported: that start-up builds some hundred thousand objects (the tables' classes,
    SQLAlchemy's and pydantic's machinery) which all live until the process ends, and
    collecting through them again and again took about a sixth of a read command's start.
    Once they are imported they are frozen out of later collections and the collector runs
    as usual, so a long command (the server, a batch, an import) keeps its memory in check."""

    holding = False

    @classmethod
    def begin(cls) -> None:
        gc.disable()
        cls.holding = True

    @classmethod
    def done(cls) -> None:
        if cls.holding:
            cls.holding = False
            gc.freeze()
            gc.enable()


def main() -> None:
    """The installed ``qms`` program: one command in its own process."""
    _StartUp.begin()
    cli(prog_name="qms")
