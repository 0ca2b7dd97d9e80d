"""Stored times as naive UTC, whichever backend returned them."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from qms.clock import naive_utc


@pytest.fixture
def machine_in_hanoi(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is not UTC (servers in Vietnam often run on +07)."""
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_hanoi")
def test_stored_times_become_naive_utc() -> None:
    hanoi = timezone(timedelta(hours=7))
    assert naive_utc(datetime(2026, 5, 10, 8, 30, tzinfo=hanoi)) == datetime(2026, 5, 10, 1, 30)
    assert naive_utc(datetime(2026, 5, 10, 1, 30, tzinfo=UTC)) == datetime(2026, 5, 10, 1, 30)
    # A naive value is already UTC (SQLite): never read as the machine's local time.
    assert naive_utc(datetime(2026, 5, 10, 1, 30)) == datetime(2026, 5, 10, 1, 30)
    assert naive_utc(None) is None
