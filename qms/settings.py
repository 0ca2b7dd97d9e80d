"""Settings come from the environment through a factory, never at import time."""

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///qms.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Ho_Chi_Minh"
    # Web sessions: the signing key (else one kept in the database, shared by every
    # worker) and whether the cookie is sent over HTTPS only (behind a TLS proxy).
    secret_key: str | None = None
    cookie_secure: bool = False


def get_settings() -> Settings:
    """Read ``QMS_DATABASE_URL``; the default is ``qms.db`` in the current folder."""
    return Settings(
        database_url=os.environ.get("QMS_DATABASE_URL", DEFAULT_DATABASE_URL),
        timezone=os.environ.get("QMS_TIMEZONE", "Asia/Ho_Chi_Minh"),
        secret_key=os.environ.get("QMS_SECRET_KEY") or None,
        cookie_secure=os.environ.get("QMS_COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
    )
