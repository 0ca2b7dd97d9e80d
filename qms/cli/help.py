"""Help in the language of the messages (``QMS_LANGUAGE``).

The English help texts (docstrings of commands, ``help=`` of options) are the message ids:
:func:`extract` finds them for the catalogs, paragraph by paragraph, and the commands below
look them up only when help is shown. In English nothing is looked up, so the help reads as
click writes it; the catalogs load only for help in another language.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import ast

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is looked up later."""
    return message


# click's own words in the help it writes (click looks them up in no catalog of ours).
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
)


def extraction_methods() -> list[tuple[str, str]]:
    """Babel's method map for the package: the command modules through :func:`extract`,
    every other module through the Python extractor."""
    return [("cli/**.py", "qms.cli.help:extract"), ("**.py", "python")]


# Calls whose ``help=`` (or ``short_help=``) is a help text, and decorators whose function's
# docstring is one.
_HELP_CALLS = frozenset({"option", "argument", "command", "group"})
_DOCSTRING_DECORATORS = frozenset({"command", "group"})


def help_messages(text: str) -> Iterator[str]:
    """The message ids of a help text: each paragraph with its lines joined (click rewraps
    them anyway), and of a ``\\b`` block (shown as written: examples) only its unindented
    lines, such as "Example:"."""
    for paragraph in _paragraphs(text):
        if paragraph.startswith("\b"):
            yield from (line for line in paragraph.splitlines()[1:] if _is_words(line))
        else:
            yield _joined(paragraph)


def translate_help(text: str, gettext: Gettext) -> str:
    """A help text in ``gettext``'s language, paragraph by paragraph (see
    :func:`help_messages`); what the catalog lacks stays English."""
    translated = []
    for paragraph in _paragraphs(text):
        if paragraph.startswith("\b"):
            lines = paragraph.splitlines()
            lines[1:] = [gettext(line) if _is_words(line) else line for line in lines[1:]]
            translated.append("\n".join(lines))
        else:
            translated.append(gettext(_joined(paragraph)))
    return "\n\n".join(translated)


def _paragraphs(text: str) -> list[str]:
    body = inspect.cleandoc(text).partition("\f")[0]
    return [part.strip("\n") for part in body.split("\n\n") if part.strip()]


def _joined(paragraph: str) -> str:
    return " ".join(line.strip() for line in paragraph.splitlines())


def _is_words(line: str) -> bool:
    return bool(line.strip()) and not line[0].isspace()


def help_gettext() -> Gettext | None:
    """``gettext`` of the language of the messages; None for English (and when
    ``QMS_LANGUAGE`` is wrong: the command itself refuses it)."""
    from qms.errors import QMSError
    from qms.settings import message_language

    try:
        language = message_language()
    except QMSError:
        return None
    if language == "en":
        return None
    from qms.i18n import gettext_for

    return gettext_for(language)


class TranslatedHelp(click.Command):
    """A command whose help, usage line and option texts follow ``QMS_LANGUAGE``."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        gettext = help_gettext()
        if gettext is None:
            super().format_usage(ctx, formatter)
            return
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), f"{gettext('Usage:')} ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        gettext = help_gettext()
        if gettext is None or self.help is None or self.deprecated:
            super().format_help_text(ctx, formatter)
            return
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(translate_help(self.help, gettext))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        gettext = help_gettext()
        if gettext is None:
            super().format_options(ctx, formatter)
            return
        rows = [
            row
            for param in self.get_params(ctx)
            if not isinstance(param, click.Argument)
            and (row := _help_record(param, ctx, gettext)) is not None
        ]
        if rows:
            with formatter.section(gettext("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        gettext = help_gettext()
        if gettext is None or self.short_help or not self.help:
            return super().get_short_help_str(limit)
        translated = copy.copy(self)
        translated.help = translate_help(self.help, gettext)
        return click.Command.get_short_help_str(translated, limit)


class TranslatedGroup(TranslatedHelp, click.Group):
    """A group like :class:`TranslatedHelp`; its sub-commands and sub-groups are too."""

    command_class = TranslatedHelp
    group_class = type

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        gettext = help_gettext()
        if gettext is None:
            super().format_commands(ctx, formatter)
            return
        commands = [
            (name, command)
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section(gettext("Commands")):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


def _help_record(
    param: click.Parameter, ctx: click.Context, gettext: Gettext
) -> tuple[str, str] | None:
    """An option's line of help in ``gettext``'s language, with click's bracketed notes
    ("[default: text; required]") translated too."""
    translated = copy.copy(param)
    help_text = getattr(param, "help", None)
    if help_text:
        translated.help = gettext(inspect.cleandoc(help_text))
    record = translated.get_help_record(ctx)
    if record is None:
        return None
    spec, text = record
    own = getattr(translated, "help", None) or ""
    notes = text[len(own) :].strip()
    if not (notes.startswith("[") and notes.endswith("]")):
        return record
    words = "; ".join(_note(item, gettext) for item in notes[1:-1].split("; "))
    return spec, f"{own}  [{words}]" if own else f"[{words}]"


def _note(item: str, gettext: Gettext) -> str:
    if item == "required":
        return gettext("required")
    for template, prefix, name in (
        ("default: {default}", "default: ", "default"),
        ("env var: {var}", "env var: ", "var"),
    ):
        if item.startswith(prefix):
            return gettext(template).format(**{name: item[len(prefix) :]})
    return item


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[Any, ...]]:
    """A Babel extractor for the command modules: what the Python extractor finds, and the
    help texts (docstrings of commands and groups, ``help=`` of options) as
    :func:`help_messages` splits them."""
    import ast

    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            _called(decorator) in _DOCSTRING_DECORATORS for decorator in node.decorator_list
        ):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                for message in help_messages(docstring):
                    yield node.lineno, None, message, []
        elif isinstance(node, ast.Call) and _called(node) in _HELP_CALLS:
            for keyword in node.keywords:
                if keyword.arg in ("help", "short_help"):
                    for text in _strings(keyword.value):
                        yield keyword.value.lineno, None, inspect.cleandoc(text), []


def _called(node: ast.expr) -> str | None:
    """``option`` for ``click.option(...)``, ``doc.command(...)`` gives ``command``."""
    import ast

    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _strings(node: ast.expr) -> Iterator[str]:
    """The literal texts an expression can be: a string, or either branch of ``a if c else b``."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
