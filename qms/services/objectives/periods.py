"""Reporting periods: a month (``2026-03``), a quarter (``2026-Q1``) or a half year
(``2026-H1``), and which periods a measuring frequency has in a year."""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from qms.errors import ValidationError

_PERIOD = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4])|H([12]))$")


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"


_MONTHS_PER = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int
    months: int

    @property
    def key(self) -> str:
        if self.months == 1:
            return f"{self.year}-{self.first_month:02d}"
        if self.months == 3:
            return f"{self.year}-Q{(self.first_month - 1) // 3 + 1}"
        return f"{self.year}-H{(self.first_month - 1) // 6 + 1}"

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        last = self.first_month + self.months - 1
        return date(self.year, last, calendar.monthrange(self.year, last)[1])

    def month_keys(self) -> list[str]:
        """The months it covers, as ``2026-01`` keys."""
        return [
            f"{self.year}-{m:02d}" for m in range(self.first_month, self.first_month + self.months)
        ]


def parse(value: str) -> Period | None:
    """The period a key names, or None when it is not one."""
    found = _PERIOD.match(value.strip().upper())
    if found is None:
        return None
    year = int(found.group(1))
    month, quarter, half = found.group(2), found.group(3), found.group(4)
    if month is not None:
        if not 1 <= int(month) <= 12:
            return None
        return Period(year, int(month), 1)
    if quarter is not None:
        return Period(year, (int(quarter) - 1) * 3 + 1, 3)
    return Period(year, (int(half) - 1) * 6 + 1, 6)


def require(value: str) -> Period:
    period = parse(value)
    if period is None:
        raise ValidationError(
            "{value!r} is not a period: write a month 2026-03, a quarter 2026-Q1 or a half "
            "year 2026-H1",
            value=value,
        )
    return period


def of_year(year: int, frequency: Frequency) -> list[Period]:
    size = _MONTHS_PER[frequency]
    return [Period(year, first, size) for first in range(1, 13, size)]


def fits(period: Period, frequency: Frequency) -> bool:
    return period.months == _MONTHS_PER[frequency]
