"""Interface languages: Babel catalogs compiled in memory at start, one Jinja environment
per language, and dates and numbers formatted per language."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from qms.domain import LANGUAGES
from qms.paths import templates_dir

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_COOKIE = "qms_lang"
DEFAULT_LANGUAGE = "vi"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


@cache
def translations(language: str) -> Translations:
    """The catalog of ``language``, compiled from its .po file (no build step)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext_for(language: str) -> Callable[[str], str]:
    return translations(language).gettext


@dataclass(frozen=True)
class Formats:
    """Dates (in the organisation's time zone), times and numbers for one language."""

    language: str
    timezone: str

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = self._local(value).date()
        return format_date(value, format="medium", locale=self.language)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(self._local(value), format="short", locale=self.language)

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.language)

    def _local(self, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(ZoneInfo(self.timezone))


def make_environments(timezone: str) -> dict[str, Environment]:
    """One autoescaping, strict Jinja environment per language, with its gettext."""
    environments = {}
    for language in LANGUAGES:
        env = Environment(
            loader=FileSystemLoader(templates_dir() / "web"),
            autoescape=True,
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        catalog = translations(language)
        env.install_gettext_callables(  # type: ignore[attr-defined]
            catalog.gettext, catalog.ngettext, newstyle=True
        )
        formats = Formats(language, timezone)
        env.filters["date"] = formats.date
        env.filters["datetime"] = formats.datetime
        env.filters["number"] = formats.number
        env.globals["language"] = language
        env.globals["language_names"] = LANGUAGE_NAMES
        environments[language] = env
    return environments


def request_language(request: Request) -> str:
    """The signed-in user's choice, else the language cookie, else Vietnamese."""
    user = getattr(request.state, "user", None)
    if user is not None and user.language in LANGUAGES:
        return str(user.language)
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def translator(request: Request) -> Callable[[str], str]:
    """``_`` for messages made in Python code (flash messages, errors of the web layer)."""
    return gettext_for(request_language(request))
