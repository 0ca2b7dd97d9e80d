"""Settings come from the environment through a factory, never at import time."""

import os
import re
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
    # Database connections a web worker keeps open for its requests (as many again are
    # opened for a burst and closed after it).
    database_pool_size: int = 20
    # Signing is locked for a user after this many wrong passwords within the window.
    signing_max_failures: int = 5
    signing_window_minutes: int = 15
    # The language of the command line's messages (the web follows each user's choice).
    language: str = "en"
    # The largest file an import (one-stop-desk figures, surveys) accepts, checked before
    # the file is parsed.
    import_max_bytes: int = 20 * 1024 * 1024
    # Where mail is sent from (``qms jobs run``); no host: notices stay in the app.
    mail: "MailSettings | None" = None
    # The address people open the app at, for links in mail (e.g. https://qms.example.vn).
    base_url: str = "http://localhost:8000"
    # The file ``qms jobs run`` appends the day's trail anchor to (none: no anchor job).
    anchor_file: str | None = None


SMTP_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # STARTTLS on a plain port, TLS from the start, or none
    user: str = ""
    password: str = ""
    sender: str = ""


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
        database_pool_size=_whole_number("QMS_DATABASE_POOL_SIZE", default=20, low=1, high=200),
        signing_max_failures=_whole_number("QMS_SIGNING_MAX_FAILURES", default=5, low=1, high=100),
        signing_window_minutes=_whole_number(
            "QMS_SIGNING_WINDOW_MINUTES", default=15, low=1, high=24 * 60
        ),
        language=message_language(),
        import_max_bytes=_whole_number(
            "QMS_IMPORT_MAX_BYTES", default=20 * 1024 * 1024, low=1024, high=1024**3
        ),
        mail=mail_settings(),
        base_url=base_url(),
        anchor_file=os.environ.get("QMS_ANCHOR_FILE", "").strip() or None,
    )


def mail_settings() -> MailSettings | None:
    """``QMS_SMTP_HOST``, ``QMS_SMTP_PORT``, ``QMS_SMTP_SECURITY`` (starttls, tls or none),
    ``QMS_SMTP_USER``, ``QMS_SMTP_PASSWORD`` and ``QMS_MAIL_FROM``; None without a host."""
    host = os.environ.get("QMS_SMTP_HOST", "").strip()
    if not host:
        return None
    security = os.environ.get("QMS_SMTP_SECURITY", "").strip().lower() or "starttls"
    if security not in SMTP_SECURITY:
        raise ValidationError(
            "QMS_SMTP_SECURITY must be one of {choices}, not {value!r}",
            choices=Joined(SMTP_SECURITY),
            value=os.environ.get("QMS_SMTP_SECURITY", ""),
        )
    default_port = 465 if security == "tls" else 587
    sender = os.environ.get("QMS_MAIL_FROM", "").strip()
    if not is_mail_address(sender):
        raise ValidationError(
            "QMS_MAIL_FROM must be the address mail is sent from, like qms@example.vn, "
            "not {value!r}",
            value=sender,
        )
    return MailSettings(
        host=host,
        port=_whole_number("QMS_SMTP_PORT", default=default_port, low=1, high=65535),
        security=security,
        user=os.environ.get("QMS_SMTP_USER", ""),
        password=os.environ.get("QMS_SMTP_PASSWORD", ""),
        sender=sender,
    )


def base_url() -> str:
    """``QMS_BASE_URL`` without its trailing slash: an http or https address."""
    value = os.environ.get("QMS_BASE_URL", "").strip() or "http://localhost:8000"
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise ValidationError(
            "QMS_BASE_URL must be the http or https address of the application, "
            "like https://qms.example.vn, not {value!r}",
            value=value,
        )
    return value.rstrip("/")


_MAIL_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


def is_mail_address(value: str) -> bool:
    """A plain address (local part, @, a domain with a dot), at most 254 characters."""
    local = value.split("@", 1)[0]
    return (
        len(value) <= 254
        and 0 < len(local) <= 64
        and not local.startswith(".")
        and ".." not in value
        and _MAIL_ADDRESS.fullmatch(value) is not None
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
