"""click's usage errors ("Missing option", "No such command", the usage line and the hint
below it) in the language of the messages.

click words its errors through the standard library's global gettext domain, which holds
no catalog of ours, so the root command catches a usage error and shows it again from its
parts. click's English templates are message ids here; an error's English text is matched
against them to recover its values, which stay as typed (names, values, choices). A text no
template matches stays English.
"""

from __future__ import annotations

import re
from functools import cache
from typing import IO, Any

import click

from qms.cli.help import N_, Gettext

# The templates of click's usage errors, their values as click writes them (quoted names
# included). Matched longest first, so "is not one of" wins over "is not".
CLICK_MESSAGES = (
    N_("No such command {name}."),
    N_("No such option {name}."),
    N_("No such option: {name}"),
    N_("Did you mean {possibility}?"),
    N_("(Did you mean one of: {possibilities}?)"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {count} values."),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Missing command."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("{value} is not {choice}."),
    N_("{value} is not one of {choices}."),
    N_("{value} is not a valid integer."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid boolean."),
    N_("{value} is not in the range {range}."),
    N_("{value} does not match the format {format}."),
    N_("{value} does not match the formats {formats}."),
    N_("File {filename} does not exist."),
    N_("Path {filename} does not exist."),
    N_("Directory {filename} does not exist."),
    N_("File {filename} is a directory."),
    N_("Path {filename} is a directory."),
    N_("Directory {filename} is a file."),
)
# Placeholders whose value is itself one of click's messages.
_NESTED = frozenset({"message"})
_MISSING = {
    "argument": N_("Missing argument"),
    "option": N_("Missing option"),
    "parameter": N_("Missing parameter"),
}
_CHOOSE_FROM = N_("Choose from:")
_TRY_HELP = N_("Try '{command} {option}' for help.")
_ERROR = N_("Error: {message}")


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    def pattern(template: str) -> re.Pattern[str]:
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(
            f"(?P<{part}>.+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
        )
        return re.compile(regex, re.DOTALL)

    def precedence(template: str) -> tuple[bool, int]:
        # a frame around another message first ("Invalid value for ...: {message}"), then
        # the longest literal text
        nested = any(f"{{{name}}}" in template for name in _NESTED)
        return nested, len(re.sub(r"\{\w+\}", "", template))

    ordered = sorted(CLICK_MESSAGES, key=precedence, reverse=True)
    return [(pattern(template), template) for template in ordered]


def translate_message(text: str, gettext: Gettext) -> str:
    """One of click's messages in ``gettext``'s language; unknown text as it is."""
    for pattern, template in _patterns():
        found = pattern.fullmatch(text)
        if found is None:
            continue
        values = {
            name: translate_message(value, gettext) if name in _NESTED else value
            for name, value in found.groupdict().items()
        }
        try:
            return gettext(template).format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def error_message(error: click.UsageError, gettext: Gettext) -> str:
    """The error's message as click would word it, in ``gettext``'s language."""
    english = error.format_message()
    if isinstance(error, click.MissingParameter):
        param_type = error.param_type or (error.param.param_type_name if error.param else None)
        missing = _MISSING.get(param_type or "parameter", _MISSING["parameter"])
        if english.startswith(missing):
            rest = english[len(missing) :].replace(_CHOOSE_FROM, gettext(_CHOOSE_FROM))
            return gettext(missing) + rest
        return english
    if english != error.message and english.startswith(f"{error.message} "):
        # a message followed by click's guesses: "No such option '--sttaus'. Did you mean..."
        guesses = english[len(error.message) + 1 :]
        return f"{translate_message(error.message, gettext)} {translate_message(guesses, gettext)}"
    return translate_message(english, gettext)


class TranslatedUsageError(click.UsageError):
    """A usage error shown like click shows it, in ``gettext``'s language."""

    def __init__(self, error: click.UsageError, gettext: Gettext) -> None:
        super().__init__(error_message(error, gettext), error.ctx)
        self.exit_code = error.exit_code  # type: ignore[misc]  # click declares it a ClassVar
        self.gettext = gettext

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            hint = ""
            if ctx.help_option_names:
                option = max(ctx.help_option_names, key=len)
                hint = self.gettext(_TRY_HELP).format(command=ctx.command_path, option=option)
                hint += "\n"
            click.echo(f"{ctx.get_usage()}\n{hint}", err=file is None, file=file, color=ctx.color)
        message = self.gettext(_ERROR).format(message=self.format_message())
        click.echo(message, err=file is None, file=file, color=ctx.color if ctx else None)
