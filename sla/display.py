"""How staff see a clock: "due in 42 min", "overdue 3 h", with a colour."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


def span(delta):
    """A short, rounded length of time: 42 min, 3 h, 2 d."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(n)d min") % {"n": max(minutes, 1)}
    hours = minutes // 60
    if hours < 48:
        return _("%(n)d h") % {"n": hours}
    return _("%(n)d d") % {"n": hours // 24}


@dataclass
class Due:
    text: str
    colour: str  # a Bootstrap colour name
    state: str  # overdue, soon, due, paused, met, missed


def due_label(*, due_at, paused=False, breached=False, stopped=False, now=None):
    """The label of one clock, or None when there is nothing to show."""
    now = now or timezone.now()
    if stopped:
        if breached:
            return Due(_("missed"), "danger", "missed")
        return Due(_("met"), "success", "met")
    if paused:
        if breached:
            return Due(_("missed, paused"), "danger", "missed")
        return Due(_("paused"), "secondary", "paused")
    if due_at is None:
        return None
    if due_at <= now:
        return Due(_("overdue %(time)s") % {"time": span(now - due_at)}, "danger", "overdue")
    left = due_at - now
    if left <= timedelta(minutes=settings.SLA_WARNING_MINUTES):
        return Due(_("due in %(time)s") % {"time": span(left)}, "warning", "soon")
    return Due(_("due in %(time)s") % {"time": span(left)}, "light", "due")


def queue_label(clock, now=None):
    """The queue's label for a stored TicketClock: the clock that is due first."""
    if clock is None:
        return None
    if clock.first_response_at is None and clock.first_response_due_at is not None:
        label = due_label(due_at=clock.first_response_due_at, now=now)
        if label is not None:
            label.text = _("Response %(due)s") % {"due": label.text}
            return label
    if clock.resolution_paused:
        return due_label(due_at=None, paused=True, breached=clock.resolution_breached, now=now)
    label = due_label(due_at=clock.resolution_due_at, now=now)
    if label is not None:
        label.text = _("Resolution %(due)s") % {"due": label.text}
    return label
