"""Times read "2 hours ago" (or "2 jam yang lalu"), with the exact date and time, in
Asia/Jakarta, on hover: on the dashboard, the ticket list and the ticket page."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.tickets.helpers import open_ticket
from tickets.models import Message, Ticket


def _times(html):
    """(datetime, title, text) of every <time> on the page."""
    return re.findall(r'<time[^>]* datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', html)


@pytest.fixture
def two_hours_old(alice, technical):
    ticket = open_ticket(alice, technical)
    earlier = timezone.now() - timedelta(hours=2, minutes=5)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=earlier, updated_at=earlier)
    Message.objects.filter(ticket=ticket).update(created_at=earlier)
    ticket.refresh_from_db()
    return ticket


def _exact(value, language):
    with translation.override(language):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")


@pytest.mark.parametrize(
    ("language", "relative"), [("en", "2\xa0hours ago"), ("id", "2\xa0jam yang lalu")]
)
@pytest.mark.parametrize("page", ["dashboard", "list", "ticket"])
def test_times_are_relative_with_the_exact_time_on_hover(
    alice_client, alice, two_hours_old, language, relative, page
):
    alice.language = language
    alice.save()
    url = {
        "dashboard": reverse("dashboard"),
        "list": reverse("tickets:list"),
        "ticket": two_hours_old.get_absolute_url(),
    }[page]
    times = _times(alice_client.get(url).content.decode())
    assert times, "no <time> on the page"
    local = timezone.localtime(two_hours_old.updated_at)
    assert (local.isoformat(), _exact(local, language), relative) in times
    # The site's time zone: Jakarta, UTC+7.
    assert all(stamp.endswith("+07:00") for stamp, _title, _text in times)


def test_the_tag_shows_a_dash_for_no_time():
    rendered = Template("{% load display %}{% relative_time value %}").render(
        Context({"value": None})
    )
    assert rendered == "—"
