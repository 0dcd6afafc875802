"""Working time: how much of it lies between two moments, and when a span of it ends.

Two calendars with one interface: `BusinessHours` (the support team's days and hours in
its time zone, without public holidays and extra days off) and `AroundTheClock` (24×7).
Both are pure: they are given their holidays, so tests and the periodic pass need no
database inside the loops.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# A clock never looks further than this many days ahead or back: a year of holidays in a
# row would still fit, a broken calendar cannot loop for ever.
MAX_DAYS = 3 * 366


@lru_cache(maxsize=32)
def indonesian_holidays(year):
    """Indonesia's public holidays of `year` (dates), from the holidays package."""
    return frozenset(holidays.country_holidays("ID", years=year).keys())


class AroundTheClock:
    """24×7: every second counts."""

    def working_seconds(self, start, end):
        return max((end - start).total_seconds(), 0.0)

    def add(self, start, seconds):
        return start + timedelta(seconds=seconds)


class BusinessHours:
    def __init__(
        self, *, timezone, opens_at, closes_at, workdays, national_holidays=True, extra_days=()
    ):
        self.zone = ZoneInfo(timezone)
        self.opens_at = opens_at
        self.closes_at = closes_at
        self.workdays = frozenset(workdays)
        self.national_holidays = national_holidays
        self.extra_days = frozenset(extra_days)

    def is_working_day(self, day: date):
        if day.isoweekday() not in self.workdays or day in self.extra_days:
            return False
        return not (self.national_holidays and day in indonesian_holidays(day.year))

    def _window(self, day):
        """The day's working hours as two aware datetimes, or None on a day off."""
        if not self.is_working_day(day):
            return None
        return (
            datetime.combine(day, self.opens_at, tzinfo=self.zone),
            datetime.combine(day, self.closes_at, tzinfo=self.zone),
        )

    def working_seconds(self, start, end):
        """Working seconds in [start, end)."""
        if end <= start:
            return 0.0
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        total = 0.0
        for _ in range(MAX_DAYS * 3):
            if day > last:
                break
            window = self._window(day)
            if window:
                begin, finish = max(window[0], start), min(window[1], end)
                if finish > begin:
                    total += (finish - begin).total_seconds()
            day += timedelta(days=1)
        return total

    def add(self, start, seconds):
        """The moment `seconds` of working time after `start`."""
        local = start.astimezone(self.zone)
        day = local.date()
        remaining = float(seconds)
        for _ in range(MAX_DAYS):
            window = self._window(day)
            if window:
                begin = max(window[0], local)
                if begin < window[1]:
                    available = (window[1] - begin).total_seconds()
                    # The end of a working day is the deadline itself, not the next morning.
                    if remaining <= available:
                        return begin + timedelta(seconds=remaining)
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("The business calendar has no working time in the next three years.")
