"""Message catalogs shared by every interface: the Babel .po files in ``qms/locale``, where
translators write, and beside each its compiled .mo, which the program reads
(``scripts/update-catalogs`` writes both; a test fails while a .mo differs from its .po).
Services' refusals and the web pages are translated from the same catalogs. A catalog is
read on first use, and Babel is imported only to format a number, so a command that prints
nothing translated pays for neither."""

from collections.abc import Mapping
from functools import cache
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from qms.domain import LANGUAGES
from qms.errors import Gettext, Joined, NumberFormat, QMSError, Text

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


def catalog_path(language: str, suffix: str) -> Path:
    """The catalog file of ``language``: ``.po`` (the source) or ``.mo`` (compiled)."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalog for language {language!r}")
    return LOCALE_DIR / language / "LC_MESSAGES" / f"messages{suffix}"


def compile_catalog(language: str) -> bytes:
    """The .mo bytes of ``language``'s .po file, as Babel compiles them (fuzzy entries
    left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(language, ".po").open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


@cache
def translations(language: str) -> GNUTranslations:
    """The catalog of ``language``, read from its compiled .mo file."""
    with catalog_path(language, ".mo").open("rb") as source:
        return GNUTranslations(source)


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

    def formatted(value: int | float) -> str:
        if type(value) is int and 0 <= value < 1000:
            return str(value)  # no group to separate: written alike in every language
        from babel.numbers import format_decimal  # only when a phrase has a number in it

        return format_decimal(value, locale=language)

    return formatted


def in_language(phrase: Text | Joined | QMSError, language: str) -> str:
    """A service's phrase or refusal in ``language``: words from the catalog, numbers
    grouped that language's way."""
    return phrase.translated(gettext_for(language), number_format(language))
