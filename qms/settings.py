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
    # The language of the command line's messages (the web follows each user's choice).
    language: str = "en"


def get_settings() -> Settings:
    """Read ``QMS_DATABASE_URL``; the default is ``qms.db`` in the current folder."""
    return Settings(
        database_url=os.environ.get("QMS_DATABASE_URL", DEFAULT_DATABASE_URL),
        timezone=os.environ.get("QMS_TIMEZONE", "Asia/Ho_Chi_Minh"),
        secret_key=os.environ.get("QMS_SECRET_KEY") or None,
        cookie_secure=os.environ.get("QMS_COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
        language=message_language(),
    )


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
