"""The admin's ticket list counts its tickets only up to a limit, so that it costs the same
with millions of tickets: past the limit it says "more than" instead of a number."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TicketFactory
from tests.staff.pages import logged_in
from tickets.admin import BoundedCountPaginator, TicketAdmin

URL = reverse("admin:tickets_ticket_changelist")


@pytest.fixture
def limit_of_five(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "limit", 5)


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_past_the_limit_the_list_says_more_than_and_counts_no_further(
    limit_of_five, sam, alice, technical
):
    TicketFactory.create_batch(9, customer=alice, department=technical)
    client = logged_in(sam)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert "More than 5 tickets: narrow them down with the filters or the search." in page
    assert "9 tickets" not in page
    assert "More than 5 results" in page and "6 results" not in page  # the search box
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 6" in counts[0], counts
    # "Select all" names no number it does not know.
    assert "Select all matching tickets" in page
    # No per-filter counts on offer: each would count every ticket.
    assert "_facets" not in page and "Show counts" not in page


def test_within_the_limit_the_list_gives_the_number(limit_of_five, sam, alice, technical):
    TicketFactory.create_batch(4, customer=alice, department=technical)
    page = _text(logged_in(sam).get(URL))
    assert "4 tickets" in page
    assert "4 results" in page
    assert "More than" not in page


def test_a_filter_is_counted_the_same_way(limit_of_five, sam, alice, technical):
    TicketFactory.create_batch(7, customer=alice, department=technical, status="on_hold")
    TicketFactory.create_batch(2, customer=alice, department=technical, status="open")
    client = logged_in(sam)
    assert "2 tickets" in _text(client.get(URL, {"status__exact": "open"}))
    assert "More than 5 tickets" in _text(client.get(URL, {"status__exact": "on_hold"}))


def test_the_pages_within_the_counted_rows_are_served(
    limit_of_five, monkeypatch, sam, alice, technical
):
    monkeypatch.setattr(TicketAdmin, "list_per_page", 2)
    TicketFactory.create_batch(9, customer=alice, department=technical)
    response = logged_in(sam).get(URL, {"p": "3"})
    assert response.status_code == 200
    assert response.content.decode().count('name="_selected_action"') == 2
