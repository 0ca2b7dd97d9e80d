"""Settings come from the environment through a factory, never at import time."""

import os
from dataclasses import dataclass

from qms.domain import LANGUAGES
from qms.errors import Joined, ValidationError

DEFAULT_DATABASE_URL = "sqlite:///qms.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Ho_Chi_Minh"
    # Web sessions: the signing key (else one kept in the database, shared by every
    # worker) and whether the cookie is sent over HTTPS only (behind a TLS proxy).
    secret_key: str | None = None
    cookie_secure: bool = False
    # A sign-in ends after this long without a request, and this long after it began.
    session_idle_minutes: int = 30
    session_max_hours: int = 8
    # Password hashes computed at once per process (each argon2 hash takes 64 MiB).
    max_concurrent_hashes: int = 2
    # Signing is locked for a user after this many wrong passwords within the window.
    signing_max_failures: int = 5
    signing_window_minutes: int = 15
    # The language of the command line's messages (the web follows each user's choice).
    language: str = "en"


def get_settings() -> Settings:
    """Read ``QMS_DATABASE_URL``; the default is ``qms.db`` in the current folder."""
    max_hours = _whole_number("QMS_SESSION_MAX_HOURS", default=8, low=1, high=24 * 30)
    return Settings(
        database_url=os.environ.get("QMS_DATABASE_URL", DEFAULT_DATABASE_URL),
        timezone=os.environ.get("QMS_TIMEZONE", "Asia/Ho_Chi_Minh"),
        secret_key=os.environ.get("QMS_SECRET_KEY") or None,
        cookie_secure=os.environ.get("QMS_COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
        session_idle_minutes=_whole_number(
            "QMS_SESSION_IDLE_MINUTES", default=30, low=1, high=max_hours * 60
        ),
        session_max_hours=max_hours,
        max_concurrent_hashes=_whole_number("QMS_MAX_CONCURRENT_HASHES", default=2, low=1, high=64),
        signing_max_failures=_whole_number("QMS_SIGNING_MAX_FAILURES", default=5, low=1, high=100),
        signing_window_minutes=_whole_number(
            "QMS_SIGNING_WINDOW_MINUTES", default=15, low=1, high=24 * 60
        ),
        language=message_language(),
    )


def _whole_number(variable: str, *, default: int, low: int, high: int) -> int:
    """The variable's value as a whole number from ``low`` to ``high``; unset or empty
    gives ``default``, anything else is refused with one message."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ValidationError(
            "{variable} must be a whole number from {low} to {high}, not {value!r}",
            variable=variable,
            low=low,
            high=high,
            value=raw,
        )
    return int(raw)


def message_language() -> str:
    """``QMS_LANGUAGE`` (vi or en; default en); any other value is refused."""
    value = os.environ.get("QMS_LANGUAGE", "").strip().lower() or "en"
    if value not in LANGUAGES:
        raise ValidationError(
            "QMS_LANGUAGE must be one of {choices}, not {value!r}",
            choices=Joined(LANGUAGES),
            value=os.environ.get("QMS_LANGUAGE", ""),
        )
    return value
