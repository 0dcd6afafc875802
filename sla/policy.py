"""The service level policy in force: the business calendar and the targets.

Read on every staff ticket page and by every clock computation, changed a few times a
year: it is kept in the cache for POLICY_CACHE_SECONDS (SLA_POLICY_CACHE_SECONDS), and an
edit clears it at once in the process that saved it (the others follow within that time).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .calendar import AroundTheClock, BusinessHours
from .models import BusinessCalendar, ExtraHoliday, Target

CACHE_KEY = "sla:policy:v1"


@dataclass(frozen=True)
class TargetRule:
    first_response_seconds: int
    resolution_seconds: int
    business_hours: bool


class Policy:
    def __init__(self, *, calendar, targets):
        self.business = calendar
        self.always = AroundTheClock()
        # {(department_id, priority): TargetRule}
        self.targets = targets

    def target(self, department_id, priority):
        return self.targets.get((department_id, priority))

    def calendar_for(self, rule):
        return self.business if rule.business_hours else self.always


def _load():
    calendar = BusinessCalendar.objects.order_by("pk").first() or BusinessCalendar()
    extra = list(ExtraHoliday.objects.values_list("date", flat=True))
    business = BusinessHours(
        timezone=calendar.timezone,
        opens_at=calendar.opens_at,
        closes_at=calendar.closes_at,
        workdays=calendar.workday_numbers,
        national_holidays=calendar.national_holidays,
        extra_days=extra,
    )
    targets = {
        (t.department_id, t.priority): TargetRule(
            t.first_response_minutes * 60, t.resolution_minutes * 60, t.business_hours
        )
        for t in Target.objects.all()
    }
    return Policy(calendar=business, targets=targets)


def current_policy():
    policy = cache.get(CACHE_KEY)
    if policy is None:
        policy = _load()
        cache.set(CACHE_KEY, policy, settings.SLA_POLICY_CACHE_SECONDS)
    return policy


def forget_policy():
    cache.delete(CACHE_KEY)
