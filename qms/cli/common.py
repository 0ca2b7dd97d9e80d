"""What every command shares: the database, the acting user, passwords and output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from qms.settings import Settings, get_settings, message_language

if TYPE_CHECKING:  # SQLAlchemy is imported when a command first opens the database
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from qms.errors import Param, Text
    from qms.i18n import Message
    from qms.services.people.signing import SigningLimits

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from qms.db import make_engine

            self._engine = make_engine(self.settings.database_url)
        return self._engine

    @property
    def opened_engine(self) -> Engine | None:
        """The engine if a command has opened the database, without opening it."""
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def app(ctx: click.Context) -> AppContext:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = AppContext(get_settings())
        root.call_on_close(root.obj.close)
    obj: AppContext = root.obj
    return obj


def signing_limits() -> SigningLimits:
    """The lock-out after wrong signing passwords, as the settings say."""
    from qms.services.people.signing import SigningLimits

    settings = app(click.get_current_context()).settings
    return SigningLimits.of(
        max_failures=settings.signing_max_failures,
        window_minutes=settings.signing_window_minutes,
    )


@contextmanager
def reading() -> Iterator[Session]:
    from qms.db import read_session

    with read_session(app(click.get_current_context()).engine) as session:
        yield session


@contextmanager
def writing() -> Iterator[Session]:
    from qms.db import write_session

    with write_session(app(click.get_current_context()).engine) as session:
        yield session


def acting_user(required: bool = True) -> Callable[[F], F]:
    """The ``--as USERNAME`` option (or ``QMS_USER``): who is acting."""
    return click.option(
        "--as",
        "as_user",
        envvar="QMS_USER",
        required=required,
        metavar="USERNAME",
        help=(
            "Acting user (or set QMS_USER)."
            if required
            else "Acting user (or set QMS_USER). Decides what you may see."
        ),
    )


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Output format; json is for scripts.",
    )(func)


def comma_list(value: str | None) -> list[str]:
    """``"TP, MC,"`` as ``["TP", "MC"]``: the items of a comma-separated option."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def text_limit(chars: int) -> int:
    """The most bytes a text of ``chars`` characters can take in UTF-8 (4 a character), so a
    file refused by this size is one the service would refuse by its length anyway."""
    return 4 * chars


def require_regular_file(name: str | Path, *, option: str, limit: int) -> Path:
    """``name`` as a path, refused unless it is a regular file of at most ``limit`` bytes
    (checked before anything opens it: see :mod:`qms.files`)."""
    from qms import files

    path = Path(name)
    _refusing(files.check_regular, path, option=option, limit=limit)
    return path


def read_file_input(name: str | Path, *, option: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never more than ``limit + 1``
    bytes are read (:func:`qms.files.read_regular`)."""
    from qms import files

    data: bytes = _refusing(files.read_regular, Path(name), option=option, limit=limit)
    return data


def _refusing(read: Callable[[Path, int], Any], path: Path, *, option: str, limit: int) -> Any:
    """``read(path, limit)``, its refusals as one line naming the option and the file."""
    from qms import files
    from qms.errors import ValidationError

    try:
        return read(path, limit)
    except files.NotRegularFile:
        raise ValidationError(
            "{option}: {path} is not a regular file", option=option, path=str(path)
        ) from None
    except files.FileTooLarge:
        raise ValidationError(
            "{option}: {path} is larger than {limit:,} bytes",
            option=option,
            path=str(path),
            limit=limit,
        ) from None
    except OSError as exc:
        raise ValidationError(
            "{option}: cannot read {path} ({reason})",
            option=option,
            path=str(path),
            reason=exc.strerror or str(exc),
        ) from None


def read_text_input(name: str | Path, *, option: str, limit: int) -> str:
    """A file's UTF-8 text ('-' reads standard input) of at most ``limit`` bytes; unreadable,
    not a regular file or too large is one refusal."""
    from qms.errors import ValidationError

    if str(name) == "-":
        text = sys.stdin.read(limit + 1)
        if len(text) > limit:
            raise ValidationError(
                "{option}: standard input is longer than {limit:,} characters",
                option=option,
                limit=limit,
            )
        return text
    data = read_file_input(name, option=option, limit=limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "{option}: cannot read {path} ({reason})",
            option=option,
            path=str(name),
            reason=str(exc),
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads it


def read_password(prompt: str = "Password") -> str:
    """Signing asks for the password again: from the terminal, or one line of stdin for scripts."""
    if sys.stdin.isatty():
        value: str = click.prompt(prompt, hide_input=True)
        return value
    line = sys.stdin.readline()
    if not line:
        from qms.errors import ValidationError

        raise ValidationError("a password is needed: type it, or give it on standard input")
    return line.rstrip("\r\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def echo_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain aligned table (widths by characters, which suits Vietnamese in NFC)."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    click.echo(line.rstrip())
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def fmt_time(value: datetime | None, timezone: str) -> str:
    """Stored UTC shown in the organisation's time zone, the reader's way (as pages show it)."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    from qms.phrases import moment

    return message_text(moment(value.astimezone(ZoneInfo(timezone))))


def steps_line(steps: Iterable[str]) -> str:
    """ "Steps you may take: ..." in the language of the messages; the steps are named as in
    ``--format json`` (the commands that take them)."""
    from qms.errors import Text

    return message_text(Text("Steps you may take: {steps}", steps=", ".join(steps) or "-"))


def echo_phrase(template: str, /, **params: Param) -> None:
    """Print a line (a message id and its values) in the language of the messages."""
    from qms.errors import Text

    click.echo(message_text(Text(template, **params)))


def said(template: str, /, **params: Param) -> str:
    """A line or cell (a message id and its values) in the language of the messages."""
    from qms.errors import Text

    return message_text(Text(template, **params))


def number(value: float) -> str:
    """A number grouped the reader's way (1,234.5 in English, 1.234,5 in Vietnamese); a
    whole number without its ".0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    language = message_language()
    if language == "en":
        return f"{value:,}"
    from qms.i18n import number_format

    return number_format(language)(value)


def figure(value: int) -> str:
    """A count in a table cell: in English as it always printed (no grouping, what scripts
    read), grouped the reader's way in another language."""
    return str(value) if message_language() == "en" else number(value)


def percent(value: float | None) -> str:
    """A rate with two decimals in a table cell ("-" without one): 98.48 in English,
    98,48 in Vietnamese."""
    if value is None:
        return "-"
    language = message_language()
    if language == "en":
        return f"{value:.2f}"
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.00", locale=language)


def phrase(message: str) -> str:
    """A message id without values (a table heading, a word in a cell) in the language of
    the messages."""
    from qms.errors import Text

    return message_text(Text(message))


def code_word(words: Mapping[str, Message], code: str) -> str:
    """A stored code in a table cell: as stored in English (what scripts match), the
    reader's word in another language."""
    if message_language() == "en" or code not in words:
        return code
    return label(words[code])


def label(message: Message) -> str:
    """A label kept as a message (``msg``/``pmsg``) in the language of the messages."""
    from qms.i18n import translate

    language = message_language()
    return message.id if language == "en" else translate(message, language)


def message_text(phrase: Text) -> str:
    """A phrase in the language of the messages (``QMS_LANGUAGE``)."""
    language = message_language()
    if language == "en":
        return str(phrase)
    from qms.i18n import in_language  # the catalogs load only when asked for

    return in_language(phrase, language)


def write_file(path: Path, data: bytes) -> None:
    """Write an output file; a folder that cannot be written is one clear error."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.FileError(str(path), exc.strerror) from None


output_file = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write.",
)
export_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx"]),
    default="xlsx",
    show_default=True,
    help="The file format.",
)
