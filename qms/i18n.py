"""Message catalogs shared by every interface: the Babel .po files in ``qms/locale``,
compiled in memory on first use (no build step). Services' refusals and the web pages
are translated from the same catalogs. Babel is imported on that first use, so a command
that prints nothing translated does not pay for it."""

from collections.abc import Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from qms.domain import LANGUAGES
from qms.errors import Gettext, Joined, NumberFormat, QMSError, Text

if TYPE_CHECKING:
    from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"

# Calls whose first argument is a message for the catalogs: the interface's gettext
# helpers (the command line's echo_phrase and phrase), Text and every kind of QMSError (a test
# keeps this list complete).
MESSAGE_KEYWORDS = (
    "_",
    "N_",
    "gettext",
    "Text",
    "echo_phrase",
    "said",
    "phrase",
    "QMSError",
    "ValidationError",
    "NotFound",
    "PermissionDenied",
    "AuthenticationFailed",
    "InvalidTransition",
    "Conflict",
    "IntegrityProblem",
    "DatabaseProblem",
    "RenderError",
    "RenderLimitError",
    "RenderInputError",
    "InputLimitError",
)
# The same for the extractor (Babel's keyword specs): the names above take the message
# as their first argument; ``pmsg`` takes a context first, then the message.
EXTRACTION_KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    **dict.fromkeys(MESSAGE_KEYWORDS),
    "msg": None,
    "pmsg": ((1, "c"), 2),
}


class Message(NamedTuple):
    """A label's message id in the catalogs, with its context (msgctxt) when the same
    English words need other words in another place."""

    context: str | None
    id: str


def msg(message_id: str) -> Message:
    """A label kept as its message id, looked up in the reader's language later."""
    return Message(None, message_id)


def pmsg(context: str, message_id: str) -> Message:
    """A label whose id has other translations elsewhere: ``context`` tells them apart."""
    return Message(context, message_id)


@cache
def translations(language: str) -> "Translations":
    """The catalog of ``language``, compiled from its .po file."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    if language not in LANGUAGES:
        raise ValueError(f"no catalog for language {language!r}")
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext_for(language: str) -> Gettext:
    """``gettext`` of ``language`` (vi or en)."""
    return translations(language).gettext


def translate(message: Message, language: str) -> str:
    """``message`` in ``language``; its own English id when the catalog has no words."""
    catalog = translations(language)
    if message.context is None:
        return catalog.gettext(message.id)
    return str(catalog.pgettext(message.context, message.id))


def translate_all(messages: Mapping[str, Message], language: str) -> dict[str, str]:
    """A table of labels (key to message) in ``language``."""
    return {key: translate(message, language) for key, message in messages.items()}


def number_format(language: str) -> NumberFormat:
    """Numbers written the way ``language`` groups them (1,000 in English, 1.000 in
    Vietnamese)."""
    from babel.numbers import format_decimal

    return lambda value: format_decimal(value, locale=language)


def in_language(phrase: Text | Joined | QMSError, language: str) -> str:
    """A service's phrase or refusal in ``language``: words from the catalog, numbers
    grouped that language's way."""
    return phrase.translated(gettext_for(language), number_format(language))
