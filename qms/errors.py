"""Errors the services raise; adapters turn them into exit codes or HTTP statuses.

Every message is one sentence a user can act on, written as an English template with
named placeholders and their values::

    raise NotFound("{code} has no issue {issue}", code=doc.code, issue=issue)

``str(error)`` is the English sentence; ``error.translated(gettext, numbers)`` is the same
sentence in the reader's language: the template goes through the catalog, then the values
are put in as they are (a value is never read as a template), a number in a ``{n:,}``
placeholder grouped the reader's way (``qms.i18n.in_language`` passes both). A value that
is itself words (a status, a role, what is still missing) is a :class:`Text`, or several
joined with :class:`Joined`, so the whole sentence comes out in one language. The catalogs
extract the templates from these calls (see scripts/update-catalogs).
"""

import copy
from collections.abc import Callable, Mapping, Sequence
from string import Formatter
from typing import Any, Self, TypeAlias

Gettext: TypeAlias = Callable[[str], str]
NumberFormat: TypeAlias = Callable[[int | float], str]


def english(message: str) -> str:
    """The templates are English already: the identity catalog."""
    return message


class _StrictFormatter(Formatter):
    """Plain named placeholders only: no attribute or index look-ups in a template. A
    grouped number (``{n:,}``) is written by ``numbers`` when given (the reader's way)."""

    def __init__(self, numbers: NumberFormat | None = None) -> None:
        self.numbers = numbers

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec == "," and self.numbers is not None and _is_number(value):
            return self.numbers(value)
        return super().format_field(value, format_spec)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_FORMATTER = _StrictFormatter()


class Text:
    """A translatable phrase: a template and the values of its placeholders."""

    def __init__(self, template: str, /, **params: "Param") -> None:
        self.template = template
        self.params = params

    def translated(self, gettext: Gettext, numbers: NumberFormat | None = None) -> str:
        """The phrase in ``gettext``'s language; a faulty translation falls back to English."""
        translated = gettext(self.template)
        if not self.params:
            return translated
        values = {name: _rendered(value, gettext, numbers) for name, value in self.params.items()}
        formatter = _StrictFormatter(numbers) if numbers is not None else _FORMATTER
        try:
            return formatter.vformat(translated, (), values)
        except (KeyError, ValueError, IndexError):
            if translated == self.template:
                raise
            return formatter.vformat(self.template, (), values)

    def __str__(self) -> str:
        return self.translated(english)

    def __repr__(self) -> str:
        return f"Text({self.template!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (self.template, self.params) == (other.template, other.params)

    __hash__ = None  # type: ignore[assignment]  # params are mutable values


class Joined:
    """Several values shown as one list (``", "`` between them unless told), each in the
    reader's language."""

    def __init__(self, items: Sequence["str | int | Text"], separator: str = ", ") -> None:
        self.items = tuple(items)
        self.separator = separator

    def translated(self, gettext: Gettext, numbers: NumberFormat | None = None) -> str:
        return self.separator.join(str(_rendered(item, gettext, numbers)) for item in self.items)

    def __str__(self) -> str:
        return self.translated(english)

    def __repr__(self) -> str:
        return f"Joined({list(self.items)!r}, {self.separator!r})"


Param: TypeAlias = str | int | float | Text | Joined


def _rendered(value: Param, gettext: Gettext, numbers: NumberFormat | None) -> str | int | float:
    if isinstance(value, Text | Joined):
        return value.translated(gettext, numbers)
    return value


def either(options: Sequence[str | Text]) -> str | Text:
    """One of ``options``: "a, b or c" in the reader's language."""
    *first, last = options
    if not first:
        return last
    return Text("{choices} or {last}", choices=Joined(first), last=last)


class QMSError(Exception):
    """Base of every expected failure. ``exit_code`` is what the CLI returns.

    Built from a template and its values, or from a ready :class:`Text`.
    """

    exit_code = 1
    http_status = 400
    field: str | None = None  # the input the refusal is about, when it is one field
    option: str | None = None  # the command-line option that gives that input

    def __init__(self, message: str | Text, /, **params: Param) -> None:
        if isinstance(message, Text):
            if params:
                raise TypeError("give the values in the Text, not beside it")
            self.text = message
        else:
            self.text = Text(message, **params)
        super().__init__(str(self.text))

    def translated(self, gettext: Gettext, numbers: NumberFormat | None = None) -> str:
        """The message in ``gettext``'s language (numbers written by ``numbers``)."""
        return self.text.translated(gettext, numbers)

    def about(self, field: str, option: str | None = None) -> Self:
        """Say which input is refused: a form shows the message beside that field, the
        command line names its option after the message ("... (--comment)"); ``option``
        is "--" and the field's name unless given ("" for none, as for a password read
        from the terminal)."""
        self.field = field
        self.option = ("--" + field.replace("_", "-")) if option is None else (option or None)
        return self

    def located(self, where: str) -> "QMSError":
        """The same refusal, of the same kind, saying where: "QT-01.md: <message>"."""
        found = copy.copy(self)
        found.text = Text("{where}: {reason}", where=where, reason=self.text)
        found.args = (str(found.text),)
        return found


class ValidationError(QMSError):
    """Input is malformed or incomplete."""

    exit_code = 2
    http_status = 422


class NotFound(QMSError):
    exit_code = 3
    http_status = 404


class PermissionDenied(QMSError):
    """The acting user lacks the role, or the rule forbids them (segregation of duties)."""

    exit_code = 4
    http_status = 403


class AuthenticationFailed(QMSError):
    exit_code = 5
    http_status = 401


class InvalidTransition(QMSError):
    """The lifecycle does not allow this step from the current state."""

    exit_code = 6
    http_status = 409


class Conflict(QMSError):
    """The change collides with existing data (duplicate code, concurrent edit)."""

    exit_code = 7
    http_status = 409


class IntegrityProblem(QMSError):
    """Stored data failed an integrity check (trail chain, stored blob hash, a backup)."""

    exit_code = 8
    http_status = 500


class DatabaseProblem(QMSError):
    """The database, or a tool that works on it (pg_dump, pg_restore), is unavailable or
    failed."""

    exit_code = 9
    http_status = 503
