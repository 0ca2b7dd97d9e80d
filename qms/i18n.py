"""Message catalogs shared by every interface: the Babel .po files in ``qms/locale``,
compiled in memory on first use (no build step). Services' refusals and the web pages
are translated from the same catalogs."""

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from qms.domain import LANGUAGES
from qms.errors import Gettext, Joined, NumberFormat, QMSError, Text

LOCALE_DIR = Path(__file__).parent / "locale"

# Calls whose first argument is a message for the catalogs: the interface's gettext
# helpers, Text and every kind of QMSError (a test keeps this list complete).
MESSAGE_KEYWORDS = (
    "_",
    "N_",
    "gettext",
    "Text",
    "QMSError",
    "ValidationError",
    "NotFound",
    "PermissionDenied",
    "AuthenticationFailed",
    "InvalidTransition",
    "Conflict",
    "IntegrityProblem",
    "RenderError",
    "RenderLimitError",
)


@cache
def translations(language: str) -> Translations:
    """The catalog of ``language``, compiled from its .po file."""
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


def number_format(language: str) -> NumberFormat:
    """Numbers written the way ``language`` groups them (1,000 in English, 1.000 in
    Vietnamese)."""
    return lambda value: format_decimal(value, locale=language)


def in_language(phrase: Text | Joined | QMSError, language: str) -> str:
    """A service's phrase or refusal in ``language``: words from the catalog, numbers
    grouped that language's way."""
    return phrase.translated(gettext_for(language), number_format(language))
