"""The one place that reads the clock, so tests and renders can pin time."""

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today(timezone: str) -> date:
    """Today's date where the organisation is (effective dates are local calendar dates)."""
    return datetime.now(ZoneInfo(timezone)).date()


@overload
def naive_utc(value: datetime) -> datetime: ...
@overload
def naive_utc(value: None) -> None: ...
def naive_utc(value: datetime | None) -> datetime | None:
    """A stored time as naive UTC, whatever the backend hands back: SQLite gives naive UTC,
    PostgreSQL an aware time (a naive value is never read as the machine's local time)."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
