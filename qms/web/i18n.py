"""Interface languages: the shared catalogs (qms.i18n), one Jinja environment per
language, and dates and numbers formatted per language."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel import Locale
from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from qms.domain import (
    LANGUAGES,
    AuditStatus,
    CapaStatus,
    CommentOutcome,
    DocType,
    Meaning,
    RevisionStatus,
)
from qms.domain_words import word_for
from qms.errors import Joined, QMSError, Text
from qms.i18n import gettext_for, in_language, number_format, translations
from qms.paths import templates_dir
from qms.phrases import day, moment
from qms.web.static_files import static_url

LANGUAGE_COOKIE = "qms_lang"
DEFAULT_LANGUAGE = "vi"
# Each language named in its own words (Unicode CLDR data, the same on every page).
LANGUAGE_NAMES = {code: str(Locale.parse(code).display_name) for code in LANGUAGES}


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
        return in_language(day(value), self.language)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return in_language(moment(self._local(value)), self.language)

    def number(self, value: int | float) -> str:
        return number_format(self.language)(value)

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
        env.filters["translated"] = _translated_filter(language)
        env.globals["language"] = language
        env.globals["word"] = _word(language)
        env.globals.update(_ENUMS)
        env.globals["language_names"] = LANGUAGE_NAMES
        env.globals["static_url"] = static_url
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


def translated(request: Request, error: QMSError) -> str:
    """A service's refusal in the request's language."""
    return in_language(error, request_language(request))


_ENUMS = {
    "RevisionStatus": RevisionStatus,
    "DocType": DocType,
    "Meaning": Meaning,
    "CommentOutcome": CommentOutcome,
    "AuditStatus": AuditStatus,
    "CapaStatus": CapaStatus,
}


def _word(language: str) -> Callable[[type[StrEnum], str], str]:
    """``{{ word(AuditStatus, audit.status) }}``: the word for a state, type or meaning."""

    def word(kind: type[StrEnum], value: str) -> str:
        return word_for(kind, value, language)

    return word


def _translated_filter(language: str) -> Callable[[object], str]:
    """``{{ value|translated }}``: a service's phrase (Text) in the page's language."""

    def translated_value(value: object) -> str:
        if isinstance(value, Text | Joined):
            return in_language(value, language)
        return str(value)

    return translated_value
