"""Fixtures of the service level tests: a calendar and targets set per test, and a clock
that stands still where a test puts it (time-machine)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.models import BusinessCalendar, Target

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(year, month, day, hour=0, minute=0):
    """A moment in Jakarta."""
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


@pytest.fixture
def calendar(db):
    """The business calendar (Monday to Friday 08:00-17:00, Indonesian holidays)."""
    BusinessCalendar.objects.all().delete()
    return BusinessCalendar.objects.create(opens_at=time(8), closes_at=time(17))


@pytest.fixture
def set_target(db, calendar):
    """set_target(department, priority, first_response=min, resolution=min, business=True)"""

    def set_target(department, priority, *, first_response, resolution, business=True):
        Target.objects.update_or_create(
            department=department,
            priority=priority,
            defaults={
                "first_response_minutes": first_response,
                "resolution_minutes": resolution,
                "business_hours": business,
            },
        )

    return set_target


class Clock:
    """Moves the time of the test: `clock.to(at(...))`."""

    def __init__(self):
        self.traveller = None

    def to(self, moment):
        if self.traveller is not None:
            self.traveller.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()
        return moment

    def stop(self):
        if self.traveller is not None:
            self.traveller.stop()


@pytest.fixture
def clock():
    machine = Clock()
    yield machine
    machine.stop()
