"""``qms batch``: many commands in one process, for scripts (each start of Python costs
more than most commands do)."""

import shlex
import sys
from typing import IO

import click

from qms.cli.help import TranslatedHelp
from qms.errors import ValidationError


@click.command("batch", cls=TranslatedHelp)
@click.argument("script", type=click.File("r", encoding="utf-8"))
@click.option("--quiet", is_flag=True, help="Do not print each command before it runs.")
def batch(script: IO[str], quiet: bool) -> None:
    """Run many qms commands, one a line, in one process.

    Lines are split as a shell splits them (quotes, backslashes); blank lines and lines
    starting with # are skipped, and a leading "qms" is optional. Each command runs as it
    would alone, in its own transaction, and is printed first ("$ qms ..."). The batch
    stops at the first command that fails, with that command's exit code; a line starting
    with "!" is a command expected to be refused: it must fail, and the batch goes on.
    Signing commands read their password from standard input, one line each.

    \b
    Example:
      printf '%s\\n' "$PASSWORD" | qms batch steps.txt
    with steps.txt holding, say:
      doc list
      ! audit plan --dept NV --clauses 7.5 --lead binhvt --as binhvt
      doc approve QT-01 --as haitt
    """
    from qms.cli import cli

    for number, line in enumerate(script, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        refusal_expected = text.startswith("!")
        args = _split(text.removeprefix("!"), number)
        if args[:1] == ["qms"]:
            args = args[1:]
        if not args or args[0] == "batch":
            raise ValidationError("line {line}: a qms command is expected", line=number)
        if not quiet:
            click.secho(f"\n$ qms {shlex.join(args)}", bold=True)
        sys.stdout.flush()  # each command's lines in order, in a log or a pipe too
        code = _run(cli, args)
        sys.stdout.flush()
        sys.stderr.flush()
        if refusal_expected and code == 0:
            raise ValidationError(
                "line {line}: the command was expected to be refused but succeeded", line=number
            )
        if code != 0 and not refusal_expected:
            raise click.exceptions.Exit(code)


def _split(text: str, number: int) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise ValidationError(
            "line {line}: {reason}", line=number, reason=str(exc).lower()
        ) from None


def _run(cli: click.Group, args: list[str]) -> int:
    """One command as ``qms ARGS`` would run it: its output, its one-line error, its exit
    code."""
    try:
        code = cli.main(args=args, prog_name="qms", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return code if isinstance(code, int) else 0
