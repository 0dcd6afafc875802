"""How the pages show times: relative ("2 hours ago"), with the exact time on hover.

`{% load display %}` then `{% relative_time ticket.updated_at %}`. Both texts follow the
active language and time zone (Asia/Jakarta unless configured otherwise).
"""

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def relative_time(value, css_class=""):
    """A <time> element reading "2 hours ago"; its title is the exact local date and time."""
    if not value:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<time{} datetime="{}" title="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        local.isoformat(),
        date_format(local, "DATETIME_FORMAT"),
        naturaltime(value),
    )
