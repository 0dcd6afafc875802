"""Daily rollups of the report figures: one row per day, department, priority and
assignee (DailyFigures), added up from the per-ticket figures (TicketStat).

Times are kept as histograms of logarithmic buckets 0.5 % wide, so the figures of any
period are a sum of rows and a percentile is read off the summed histogram, within 0.5 %
of the exact value (a report shows hours with one decimal). A ticket change rebuilds the
days it touches (the day the ticket was opened and the days it was closed, before and
after the change); `rebuild()` makes them all (`manage.py sla_refresh --all`)."""

import math
from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from .models import DailyFigures, TicketStat

RATIO = 1.005
COLUMNS = [
    "opened_at",
    "closed_at",
    "department_id",
    "priority",
    "assignee_id",
    "first_response_seconds",
    "resolution_seconds",
    "sla_met",
    "reopens",
    "staff_replies",
]


def bucket(seconds):
    if seconds <= 0:
        return 0
    return 1 + math.floor(math.log(seconds) / math.log(RATIO))


def bucket_value(index):
    """The value a bucket stands for: the middle of its range."""
    return 0.0 if index <= 0 else RATIO ** (index - 0.5)


def hist_percentile(histogram, fraction):
    """percentile_cont over the values a histogram ({bucket: count}) stands for."""
    items = sorted((int(b), c) for b, c in histogram.items() if c)
    total = sum(c for _b, c in items)
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)

    def value_at(rank):
        seen = 0
        for index, count in items:
            seen += count
            if rank < seen:
                return bucket_value(index)
        return bucket_value(items[-1][0])

    low_value = value_at(low)
    return low_value + (value_at(high) - low_value) * (position - low)


def merge(target, histogram):
    """Add `histogram` into `target`. Keys stay as stored (JSON makes them strings): a
    year's report merges a few hundred thousand of them, converted once at the end."""
    get = target.get
    for index, count in histogram.items():
        target[index] = get(index, 0) + count


def local_day(moment):
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _bounds(day):
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def _add_up(rows, days=None):
    """DailyFigures of `rows` (tuples of COLUMNS), for `days` only when given."""
    figures = {}

    def row_for(day, department, priority, assignee):
        key = (day, department, priority, assignee)
        if key not in figures:
            figures[key] = DailyFigures(
                day=day,
                department_id=department,
                priority=priority,
                assignee_id=assignee,
                first_responses=defaultdict(int),
                resolutions=defaultdict(int),
            )
        return figures[key]

    for opened_at, closed_at, dept, priority, assignee, fr, res, met, reopens, replies in rows:
        day = local_day(opened_at)
        if days is None or day in days:
            row = row_for(day, dept, priority, assignee)
            row.opened += 1
            if fr is not None:
                row.first_responses[bucket(fr)] += 1
        if closed_at is not None:
            day = local_day(closed_at)
            if days is None or day in days:
                row = row_for(day, dept, priority, assignee)
                row.closed += 1
                row.closed_with_target += met is not None
                row.closed_met += met is True
                row.reopened += reopens > 0
                row.staff_replies += replies
                if res is not None:
                    row.resolutions[bucket(res)] += 1
    for row in figures.values():
        row.first_responses = dict(row.first_responses)
        row.resolutions = dict(row.resolutions)
    return list(figures.values())


def roll_up(days):
    """Rebuild the rows of these days (dates in the site's time zone)."""
    days = set(days)
    if not days:
        return
    match = Q()
    for day in days:
        start, end = _bounds(day)
        match |= Q(opened_at__gte=start, opened_at__lt=end)
        match |= Q(closed_at__gte=start, closed_at__lt=end)
    with transaction.atomic():
        _serialise()
        rows = list(TicketStat.objects.filter(match).values_list(*COLUMNS))
        DailyFigures.objects.filter(day__in=days).delete()
        DailyFigures.objects.bulk_create(_add_up(rows, days), batch_size=1000)


# Rebuilds take turns: two tasks rebuilding the same day at once would each delete the
# day's rows and insert their own (SQLite serialises writers by itself).
LOCK_KEY = 15_0001


def _serialise():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def rebuild():
    """Every day's rows, from every ticket's figures."""
    rows = TicketStat.objects.order_by().values_list(*COLUMNS).iterator(chunk_size=20000)
    figures = _add_up(rows)
    with transaction.atomic():
        _serialise()
        DailyFigures.objects.all().delete()
        DailyFigures.objects.bulk_create(figures, batch_size=2000)
    return len(figures)


def days_of(stats):
    """The days (opened, closed) of (opened_at, closed_at) pairs."""
    days = set()
    for opened_at, closed_at in stats:
        if opened_at is not None:
            days.add(local_day(opened_at))
        if closed_at is not None:
            days.add(local_day(closed_at))
    return days
