"""The figures of the reports page, added up from the daily rollups (rollups.py), the
ratings and the surveys. Every query reads one period of one table through an index on
its day or time column; none replays history (store.py did that once per ticket change)
and none reads a row per ticket of the period."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from tickets.models import ACTIVE_STATUSES, Ticket

from . import rollups
from .models import DailyFigures, Rating, Survey

# Backlog age buckets: (label key, lower bound in days, upper bound in days or None).
AGE_BUCKETS = [("lt1", 0, 1), ("1to3", 1, 3), ("3to7", 3, 7), ("7to30", 7, 30), ("gt30", 30, None)]


@dataclass
class Filters:
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware
    departments: list  # ids the viewer may see (after the department filter)
    staff_id: int | None = None
    priority: str = ""


@dataclass
class Report:
    opened: int = 0
    closed: int = 0
    first_response_median: float | None = None
    first_response_p90: float | None = None
    resolution_median: float | None = None
    resolution_p90: float | None = None
    sla_met_pct: float | None = None
    reopen_rate_pct: float | None = None
    replies_per_ticket: float | None = None
    rated: int = 0
    good: int = 0
    csat_pct: float | None = None
    surveyed: int = 0
    surveys_answered: int = 0
    response_rate_pct: float | None = None
    backlog: dict = field(default_factory=dict)
    weeks: list = field(default_factory=list)


def _pct(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


def _ticket_filter(filters, prefix="ticket__"):
    q = Q()
    if filters.staff_id:
        q &= Q(**{f"{prefix}assignee": filters.staff_id})
    if filters.priority:
        q &= Q(**{f"{prefix}priority": filters.priority})
    return q


def _daily(filters):
    """The daily rollups of the period and filters (one query)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = filters.start.astimezone(zone).date()
    last = (filters.end - timedelta(microseconds=1)).astimezone(zone).date()
    rows = DailyFigures.objects.filter(
        day__gte=first, day__lte=last, department__in=filters.departments
    )
    if filters.staff_id:
        rows = rows.filter(assignee=filters.staff_id)
    if filters.priority:
        rows = rows.filter(priority=filters.priority)
    return rows.order_by()


def _figures(filters):
    """The period's totals, and per week the tickets opened and closed and the median
    first response, added up from the daily rollups."""
    zone = ZoneInfo(settings.TIME_ZONE)
    totals = defaultdict(int)
    resolutions = {}
    weeks = defaultdict(lambda: {"opened": 0, "closed": 0, "fr": {}})
    names = ("opened", "closed", "closed_with_target", "closed_met", "reopened", "staff_replies")
    for row in _daily(filters).values_list("day", *names, "first_responses", "resolutions"):
        day, counts, first, resolved = row[0], row[1:-2], row[-2], row[-1]
        for name, count in zip(names, counts, strict=True):
            totals[name] += count
        if resolved:
            rollups.merge(resolutions, resolved)
        week = weeks[_week(day, zone)]
        week["opened"] += counts[0]
        week["closed"] += counts[1]
        if first:
            rollups.merge(week["fr"], first)
    # The period's first responses: the weeks' histograms added up.
    first_responses = {}
    for week in weeks.values():
        rollups.merge(first_responses, week["fr"])
    totals["fr_median"] = rollups.hist_percentile(first_responses, 0.5)
    totals["fr_p90"] = rollups.hist_percentile(first_responses, 0.9)
    totals["res_median"] = rollups.hist_percentile(resolutions, 0.5)
    totals["res_p90"] = rollups.hist_percentile(resolutions, 0.9)
    by_week = {
        key: (week["opened"], week["closed"], rollups.hist_percentile(week["fr"], 0.5))
        for key, week in weeks.items()
    }
    return totals, by_week


def build(filters, *, now=None):
    now = now or timezone.now()
    report = Report()
    totals, weeks = _figures(filters)
    report.opened = totals["opened"]
    report.first_response_median = totals["fr_median"]
    report.first_response_p90 = totals["fr_p90"]
    report.closed = totals["closed"]
    report.sla_met_pct = _pct(totals["closed_met"], totals["closed_with_target"])
    report.reopen_rate_pct = _pct(totals["reopened"], totals["closed"])
    if totals["closed"]:
        report.replies_per_ticket = round(totals["staff_replies"] / totals["closed"], 1)
    report.resolution_median, report.resolution_p90 = totals["res_median"], totals["res_p90"]

    # Ratings by the department and assignee they recorded when the customer rated.
    ratings = Rating.objects.filter(
        department__in=filters.departments,
        created_at__gte=filters.start,
        created_at__lt=filters.end,
    )
    if filters.staff_id:
        ratings = ratings.filter(assignee=filters.staff_id)
    if filters.priority:
        ratings = ratings.filter(priority=filters.priority)
    # Counted by week (for the trend) and added up: one pass over the period's ratings.
    rating_weeks = _rating_weeks(ratings)
    report.rated = sum(n for n, _good in rating_weeks.values())
    report.good = sum(good for _n, good in rating_weeks.values())
    report.csat_pct = _pct(report.good, report.rated)

    # Surveys by the priority and assignee the ticket had when they were sent.
    surveys = Survey.objects.filter(
        department__in=filters.departments,
        sent_at__gte=filters.start,
        sent_at__lt=filters.end,
    ).filter(_ticket_filter(filters, prefix=""))
    answered = surveys.order_by().aggregate(
        sent=Count("pk"), answered=Count("pk", filter=Q(rated=True))
    )
    report.surveyed, report.surveys_answered = answered["sent"], answered["answered"]
    report.response_rate_pct = _pct(report.surveys_answered, report.surveyed)

    report.backlog = backlog(filters, now=now)
    report.weeks = weekly(filters, figures=weeks, ratings=rating_weeks)
    return report


def backlog(filters, *, now):
    """The active tickets now, by age (the period does not apply: it is today's queue)."""
    tickets = Ticket.objects.filter(
        department__in=filters.departments, status__in=ACTIVE_STATUSES
    ).filter(_ticket_filter(filters, prefix=""))
    counts = {}
    for key, low, high in AGE_BUCKETS:
        q = Q(created_at__lte=now - timedelta(days=low))
        if high is not None:
            q &= Q(created_at__gt=now - timedelta(days=high))
        counts[key] = Count("pk", filter=q)
    return tickets.order_by().aggregate(**counts)


def _week(moment_or_date, zone):
    if isinstance(moment_or_date, datetime):
        local = moment_or_date.astimezone(zone).date()
    else:
        local = moment_or_date
    return local - timedelta(days=local.weekday())


def weekly(filters, *, figures, ratings):
    """One row per week of the period (Monday first, in the site's time zone): tickets
    opened and closed and the median first response (`figures`: {week: (opened, closed,
    median)}), and CSAT % (`ratings`: {week: (ratings, good ones)})."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = _week(filters.start, zone)
    last = _week(filters.end - timedelta(microseconds=1), zone)
    weeks = {}
    day = first
    while day <= last:
        weeks[day] = {"week": day, "opened": 0, "closed": 0, "fr_median": None, "csat": None}
        day += timedelta(days=7)
    for key, (opened, closed, median) in figures.items():
        if key in weeks:
            weeks[key].update(opened=opened, closed=closed, fr_median=median)
    for key, (count, good) in ratings.items():
        if key in weeks:
            weeks[key]["csat"] = _pct(good, count)
    return list(weeks.values())


def _rating_weeks(ratings):
    """{week: (ratings, good ones)} of a queryset of ratings."""
    zone = ZoneInfo(settings.TIME_ZONE)
    rows = (
        ratings.order_by()
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week")
        .annotate(n=Count("pk"), good=Count("pk", filter=Q(score=Rating.Score.GOOD)))
    )
    return {_week(row["week"], zone): (row["n"], row["good"]) for row in rows}


def period_bounds(start_date, end_date):
    """[start 00:00, day after end 00:00) in the site's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(start_date, time.min, tzinfo=zone)
    end = datetime.combine(end_date + timedelta(days=1), time.min, tzinfo=zone)
    return start, end
