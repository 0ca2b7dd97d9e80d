"""The ``qms`` command. Each area is a sub-group in its own module; commands parse
input, call one service and print the result. Errors become one line on stderr."""

from typing import Any

import click

from qms import __version__
from qms.cli.docs import doc
from qms.cli.people import dept, user
from qms.cli.setup import init
from qms.cli.trail import trail
from qms.errors import QMSError


class CommandFailed(click.ClickException):
    """An expected failure: printed as one line, exit code chosen by the error's kind."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a ClassVar

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class QmsGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QMSError as exc:
            raise CommandFailed(str(exc), exc.exit_code) from None
        except Exception as exc:
            from sqlalchemy.exc import SQLAlchemyError

            if not isinstance(exc, SQLAlchemyError):
                raise
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise CommandFailed(f"database problem: {detail}", 9) from None


@click.group(cls=QmsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qms")
def cli() -> None:
    """ISO 9001 document control: controlled documents, signatures, audit trail.

    The database is QMS_DATABASE_URL (default: qms.db in the current folder;
    postgresql://user@host/db for a shared server).

    \b
    Example:
      qms init --demo
      qms doc list --search "kiem soat"
    """


for group in (init, dept, user, doc, trail):
    cli.add_command(group)


def main() -> None:
    cli(prog_name="qms")
