"""Service level targets, the business calendar, and what is stored about each ticket's
clocks, satisfaction and report figures.

The truth of a ticket's clocks is computed from its history (sla/clock.py). What is stored
here is derived from it and can be recomputed at any time: the due moment the queue sorts
on, the per-ticket figures the reports add up, and which breach warnings were sent.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Department, Ticket


class BusinessCalendar(models.Model):
    """The support team's working hours. One row (the first) is the calendar in force."""

    name = models.CharField(_("name"), max_length=100, default="Netdigi Jakarta")
    timezone = models.CharField(_("time zone"), max_length=50, default="Asia/Jakarta")
    opens_at = models.TimeField(_("opens at"), default=time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=time(17, 0))
    # ISO weekday numbers, Monday = 1.
    workdays = models.CharField(
        _("working days"),
        max_length=13,
        default="1,2,3,4,5",
        help_text=_("ISO weekday numbers separated by commas: 1 is Monday, 7 is Sunday."),
    )
    national_holidays = models.BooleanField(
        _("Indonesian public holidays"),
        default=True,
        help_text=_("Skip Indonesia's public holidays (from the holidays package)."),
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendar")

    def __str__(self):
        return self.name

    def clean(self):
        if self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening.")})
        try:
            days = self.workday_numbers
        except ValueError:
            days = None
        if not days or not all(1 <= day <= 7 for day in days):
            raise ValidationError({"workdays": _("Give weekday numbers from 1 to 7.")})

    @property
    def workday_numbers(self):
        return {int(part) for part in self.workdays.split(",") if part.strip()}


class ExtraHoliday(models.Model):
    """A day off on top of the public holidays: a collective leave day (cuti bersama)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("extra day off")
        verbose_name_plural = _("extra days off")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class Target(models.Model):
    """How fast a department answers and solves tickets of one priority."""

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="sla_targets",
        verbose_name=_("department"),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Ticket.Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))
    business_hours = models.BooleanField(
        _("business hours"),
        default=True,
        help_text=_("Count business hours only; off: around the clock (24×7)."),
    )

    class Meta:
        verbose_name = _("service level target")
        verbose_name_plural = _("service level targets")
        ordering = ["department__order", "department__name", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["department", "priority"], name="sla_target_unique")
        ]

    def __str__(self):
        return f"{self.department} / {self.get_priority_display()}"


class TicketClock(models.Model):
    """A ticket's clocks as last computed from its history (after each change of the
    ticket, and by the periodic pass). The queue sorts "due soonest" on `next_due_at` and
    shows these values; the ticket page computes them afresh."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="sla_clock"
    )
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_breached = models.BooleanField(default=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolution_paused = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    # The earliest due moment of a running clock; null when nothing runs (answered,
    # paused, closed, or no target).
    next_due_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ticket clock")
        verbose_name_plural = _("ticket clocks")
        indexes = [
            # The breach-warning pass: running clocks due soon.
            models.Index(
                fields=["next_due_at"],
                name="sla_clock_due_idx",
                condition=models.Q(next_due_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"#{self.ticket_id} due {self.next_due_at}"


class BreachWarning(models.Model):
    """A breach warning that was sent: each clock of a ticket is warned once before its
    breach and once at it."""

    class Clock(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("first response")
        RESOLUTION = "resolution", _("resolution")

    class Stage(models.TextChoices):
        SOON = "soon", _("due soon")
        BREACHED = "breached", _("breached")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_warnings")
    clock = models.CharField(max_length=20, choices=Clock.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("breach warning")
        verbose_name_plural = _("breach warnings")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "clock", "stage"], name="sla_warning_once")
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.clock} {self.stage}"


class Survey(models.Model):
    """A satisfaction survey sent for a ticket (at most one per ticket)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="survey")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    # The ticket's priority and assignee when it was sent (the report's filters), and
    # whether the customer rated it: the response rate reads the surveys alone.
    priority = models.CharField(max_length=10, choices=Ticket.Priority.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rated = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["sent_at"], name="sla_survey_sent_idx")]

    def __str__(self):
        return f"#{self.ticket_id} surveyed {self.sent_at}"


class Rating(models.Model):
    """A customer's rating of a ticket, with the handling as it was when they rated."""

    class Score(models.TextChoices):
        GOOD = "good", _("Good")
        OKAY = "okay", _("Okay")
        BAD = "bad", _("Bad")

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="rating", verbose_name=_("ticket")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ticket_ratings",
        verbose_name=_("customer"),
    )
    score = models.CharField(_("rating"), max_length=10, choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Ticket.Priority.choices, blank=True
    )
    replied_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("replied")
    )
    created_at = models.DateTimeField(_("rated"))
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="sla_rating_customer_idx"),
            models.Index(fields=["created_at"], name="sla_rating_created_idx"),
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.score}"


class TicketStat(models.Model):
    """One ticket's report figures, computed once from its history when it changes, so a
    report adds up rows instead of replaying millions of events."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="sla_stat"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=10, choices=Ticket.Priority.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True)
    # Time the clocks counted (business hours where the target says so), in seconds.
    first_response_seconds = models.PositiveIntegerField(null=True)
    resolution_seconds = models.PositiveIntegerField(null=True)
    # Null: no target for the ticket's department and priority (or not decided yet).
    first_response_met = models.BooleanField(null=True)
    sla_met = models.BooleanField(null=True)
    reopens = models.PositiveSmallIntegerField(default=0)
    staff_replies = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ticket report figures")
        verbose_name_plural = _("ticket report figures")
        indexes = [
            models.Index(fields=["opened_at", "department"], name="sla_stat_opened_idx"),
            models.Index(
                fields=["closed_at", "department"],
                name="sla_stat_closed_idx",
                condition=models.Q(closed_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"#{self.ticket_id} figures"


class DailyFigures(models.Model):
    """The report figures of one day, department, priority and assignee: counts, and the
    first response and resolution times as histograms ({bucket: count}, see rollups.py).
    Rebuilt from TicketStat for the days a ticket change touches, so a report over a year
    adds up a few thousand rows instead of reading 200,000."""

    day = models.DateField()
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=10, choices=Ticket.Priority.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened = models.PositiveIntegerField(default=0)
    first_responses = models.JSONField(default=dict)
    closed = models.PositiveIntegerField(default=0)
    closed_with_target = models.PositiveIntegerField(default=0)
    closed_met = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    staff_replies = models.PositiveIntegerField(default=0)
    resolutions = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("daily report figures")
        verbose_name_plural = _("daily report figures")
        indexes = [models.Index(fields=["day", "department"], name="sla_daily_day_idx")]

    def __str__(self):
        return f"{self.day} {self.department_id} {self.priority}"
