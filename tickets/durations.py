"""Durations as staff read them, for the staff pages and the admin alike."""

from datetime import timedelta

from django.utils.translation import gettext as _


def format_duration(delta: timedelta) -> str:
    """A waiting time as staff read it at a glance: "3 h 12 min", "2 d 5 h", "45 min"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return _("< 1 min")
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
