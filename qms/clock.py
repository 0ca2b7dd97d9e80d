"""The one place that reads the clock, so tests and renders can pin time."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today(timezone: str) -> date:
    """Today's date where the organisation is (effective dates are local calendar dates)."""
    return datetime.now(ZoneInfo(timezone)).date()
