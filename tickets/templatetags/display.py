"""How the pages show times: relative ("2 hours ago"), with the exact time on hover.

`{% load display %}` then `{% relative_time ticket.updated_at %}`, or
`{% relative_time ticket.updated_at as updated %}` to show the same time twice in a row of
a list (once for phones, once for wider screens) for the price of one. Both texts follow
the active language and time zone (Asia/Jakarta unless configured otherwise).
"""

from functools import lru_cache

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=4096)
def _exact(value, zone, language):
    """The <time> element's attributes: the ISO stamp and the exact local date and time.

    They depend only on the moment, the time zone and the language, and lists show the
    same tickets again and again, so they are worked out once per moment."""
    local = timezone.localtime(value, zone)
    title = escape(date_format(local, "DATETIME_FORMAT"))
    return f' datetime="{local.isoformat()}" title="{title}"'


def exact_time_attributes(value):
    """` datetime="…" title="…"` of a <time> element showing `value`, in the active time
    zone and language."""
    return _exact(value, timezone.get_current_timezone(), get_language())


@register.filter
def minute(value):
    """`{{ moment|minute }}`: "2026-11-30 14:05" in the active time zone (as the date filter's
    "Y-m-d H:i", without parsing a format for each of a thread's lines)."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.simple_tag
def relative_time(value, css_class=""):
    """A <time> element reading "2 hours ago"; its title is the exact local date and time."""
    if not value:
        return "—"
    classes = f' class="{escape(css_class)}"' if css_class else ""
    attributes = exact_time_attributes(value)
    # Every piece is escaped: the class and the title above, the relative text here.
    return mark_safe(f"<time{classes}{attributes}>{escape(naturaltime(value))}</time>")  # noqa: S308


@register.simple_tag
def status_badge(ticket):
    """`{% status_badge ticket %}`: the ticket's status as a coloured badge (a tag rather than
    an include, as lists show one per row)."""
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', ticket.status_badge, ticket.get_status_display()
    )
