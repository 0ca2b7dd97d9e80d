"""The clock: pinned for tests and commands, stored times as naive UTC whichever backend
returned them."""

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from qms import clock
from qms.clock import naive_utc
from tests.pinned_clock import NOW


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


def test_a_pinned_clock_starts_at_the_pin_and_runs_on(monkeypatch: pytest.MonkeyPatch) -> None:
    at = datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=7)))
    with clock.pinned(at):
        first = clock.utcnow()
        time.sleep(0.01)
        second = clock.utcnow()
        assert timedelta(0) <= first - at < timedelta(seconds=1)
        assert second > first  # elapsed time stays real
        assert first.tzinfo == UTC
        assert clock.local_today("Asia/Ho_Chi_Minh") == date(2026, 12, 31)
        assert clock.local_today("UTC") == date(2026, 12, 31)
        assert clock.local_today("Pacific/Kiritimati") == date(2027, 1, 1)
    monkeypatch.delenv(clock.NOW_VARIABLE, raising=False)
    outer = clock.utcnow()  # the test's own pin is back
    assert abs(outer - NOW) < timedelta(minutes=5)


@pytest.mark.real_clock
def test_the_real_clock_unless_pinned() -> None:
    assert clock.NOW_VARIABLE not in os.environ
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.real_clock
def test_qms_now_pins_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.NOW_VARIABLE, "2026-12-04T09:00:00+07:00")
    assert abs(clock.utcnow() - datetime(2026, 12, 4, 2, 0, tzinfo=UTC)) < timedelta(seconds=5)
    assert clock.local_today("Asia/Ho_Chi_Minh") == date(2026, 12, 4)
    monkeypatch.setenv(clock.NOW_VARIABLE, "2026-12-04T09:00:00")  # which zone's nine?
    with pytest.raises(ValueError, match="UTC offset"):
        clock.utcnow()
    with pytest.raises(ValueError, match="UTC offset"):
        clock.pin(datetime(2026, 12, 4, 9, 0))
