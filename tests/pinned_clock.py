"""The instant every test starts at (see the ``pinned_clock`` fixture in conftest.py), so
no test depends on the day the suite runs or on the machine's time zone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ORGANISATION_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the organisation's default time zone
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=ORGANISATION_ZONE)
TODAY = NOW.date()


def days_from_today(days: int) -> date:
    return TODAY + timedelta(days=days)
