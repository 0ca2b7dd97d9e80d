"""The one place that reads the clock, so tests and renders can pin time.

Time can be pinned to an instant, from which the clock then runs on at its real pace
(elapsed time stays real: sign-in throttling windows and timeouts behave as usual, and
events keep their order). :func:`pinned` does it in-process; the ``QMS_NOW`` environment
variable (an ISO 8601 time with its UTC offset, e.g. ``2026-12-04T09:00:00+07:00``) does it
for a whole process, such as a command run by a test or a scheduled job. Every process
pinned by ``QMS_NOW`` starts at that instant.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import overload
from zoneinfo import ZoneInfo

NOW_VARIABLE = "QMS_NOW"


@dataclass(frozen=True)
class _Pin:
    at: datetime  # aware
    started: float  # time.monotonic() when the pin was set

    def now(self) -> datetime:
        return (self.at + timedelta(seconds=time.monotonic() - self.started)).astimezone(UTC)


_pinned: _Pin | None = None
_from_environment: tuple[str, _Pin] | None = None


def parse_instant(value: str) -> datetime:
    """An ISO 8601 time with its UTC offset (a time without one would be ambiguous)."""
    at = datetime.fromisoformat(value.strip())
    if at.tzinfo is None:
        raise ValueError(f"{NOW_VARIABLE} needs a UTC offset, like 2026-12-04T09:00:00+07:00")
    return at


def _current_pin() -> _Pin | None:
    global _from_environment
    if _pinned is not None:
        return _pinned
    value = os.environ.get(NOW_VARIABLE, "").strip()
    if not value:
        return None
    if _from_environment is None or _from_environment[0] != value:
        _from_environment = (value, _Pin(parse_instant(value), time.monotonic()))
    return _from_environment[1]


def utcnow() -> datetime:
    pin = _current_pin()
    return datetime.now(UTC) if pin is None else pin.now()


def local_today(timezone: str) -> date:
    """Today's date where the organisation is (effective dates are local calendar dates)."""
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def pin(at: datetime | None) -> None:
    """Make the clock read ``at`` now and run on from there; None gives back the real
    clock (or the ``QMS_NOW`` one)."""
    global _pinned
    if at is not None and at.tzinfo is None:
        raise ValueError("a pinned time needs a UTC offset")
    _pinned = None if at is None else _Pin(at, time.monotonic())


@contextmanager
def pinned(at: datetime | None) -> Iterator[None]:
    """The clock pinned to ``at`` (None: not pinned) inside the block, as it was before
    afterwards."""
    global _pinned
    before = _pinned
    pin(at)
    try:
        yield
    finally:
        _pinned = before


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
