"""Template helpers of the staff pages."""

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..durations import format_duration
from .display import exact_time_attributes

register = template.Library()


@register.filter
def waiting_for(since):
    """`{{ ticket.waiting_since|waiting_for }}`: the time waited until now, or "—"."""
    if not since:
        return "—"
    return format_duration(timezone.now() - since)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (None or "" drops one):
    pagination and filter links keep the other filters."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        if value in (None, ""):
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def waiting_time(since):
    """`{% waiting_time ticket.waiting_since %}`: a <time> reading "3 h 12 min", its title
    the exact local date and time the wait began."""
    return mark_safe(f"<time{exact_time_attributes(since)}>{escape(waiting_for(since))}</time>")  # noqa: S308
