"""Settings come from the environment through a factory, never at import time."""

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///qms.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Ho_Chi_Minh"


def get_settings() -> Settings:
    """Read ``QMS_DATABASE_URL``; the default is ``qms.db`` in the current folder."""
    return Settings(
        database_url=os.environ.get("QMS_DATABASE_URL", DEFAULT_DATABASE_URL),
        timezone=os.environ.get("QMS_TIMEZONE", "Asia/Ho_Chi_Minh"),
    )
