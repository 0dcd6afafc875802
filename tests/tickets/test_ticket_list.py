"""Support > Tickets: the customer's own tickets, latest activity first, filtered, paged."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import TicketFactory
from tests.tickets.helpers import open_ticket
from tests.tickets.pages import read
from tickets import actions
from tickets.models import Ticket

LIST = reverse("tickets:list")


def _numbers(response):
    return re.findall(
        r'<td><a href="/support/tickets/(\d+)/">#\1</a></td>', response.content.decode()
    )


def test_the_list_shows_number_subject_department_status_and_last_update(
    alice_client, alice, billing
):
    ticket = open_ticket(alice, billing, subject="Invoice INV-2024-77 paid twice")
    page = read(alice_client.get(LIST))
    for header in ("Ticket", "Subject", "Department", "Status", "Last updated"):
        assert header in page.text
    assert f"#{ticket.number}" in page.text
    assert "Invoice INV-2024-77 paid twice" in page.text
    assert "Billing & Payments" in page.text
    assert "Open" in page.text
    assert ticket.get_absolute_url() in page.hrefs()
    html = alice_client.get(LIST).content.decode()
    assert f'datetime="{timezone.localtime(ticket.updated_at).isoformat()}"' in html


def test_the_list_shows_only_the_customers_own_tickets(alice_client, alice, bob, technical):
    mine = open_ticket(alice, technical)
    theirs = open_ticket(bob, technical, subject="Bob's bakery site is down")
    assert _numbers(alice_client.get(LIST + "?status=all")) == [mine.number]
    assert theirs.number not in alice_client.get(LIST + "?status=all").content.decode()


def test_the_most_recent_activity_comes_first(alice_client, alice, technical):
    now = timezone.now()
    old, middle, new = (open_ticket(alice, technical) for _ in range(3))
    Ticket.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=3))
    Ticket.objects.filter(pk=middle.pk).update(updated_at=now - timedelta(days=2))
    Ticket.objects.filter(pk=new.pk).update(updated_at=now - timedelta(days=1))
    assert _numbers(alice_client.get(LIST)) == [new.number, middle.number, old.number]

    actions.add_reply(ticket=old, author=alice, body="Any news?")
    assert _numbers(alice_client.get(LIST)) == [old.number, new.number, middle.number]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", {"open", "answered"}),
        ("?status=active", {"open", "answered"}),
        ("?status=closed", {"closed"}),
        ("?status=all", {"open", "answered", "closed"}),
        ("?status=bogus", {"open", "answered"}),
    ],
)
def test_the_filter_shows_active_closed_or_all_tickets(
    alice_client, alice, sam, technical, query, shown
):
    tickets = {
        "open": open_ticket(alice, technical),
        "answered": open_ticket(alice, technical),
        "closed": open_ticket(alice, technical),
    }
    actions.add_reply(ticket=tickets["answered"], author=sam, body="We are on it.")
    actions.close_ticket(ticket=tickets["closed"], by=alice)
    numbers = set(_numbers(alice_client.get(LIST + query)))
    assert numbers == {tickets[name].number for name in shown}


def test_the_filter_links_mark_the_current_choice(alice_client):
    html = alice_client.get(LIST + "?status=closed").content.decode()
    assert '<a class="nav-link active" aria-current="page" href="?status=closed">Closed</a>' in html
    assert '<a class="nav-link" href="?status=all">All</a>' in html
    assert '<a class="nav-link" href="?status=active">Active</a>' in html


def test_an_empty_list_invites_to_open_a_ticket(alice_client):
    page = read(alice_client.get(LIST))
    assert "You have no tickets here yet." in page.text
    assert reverse("tickets:open") in page.hrefs()
    assert "You have no closed tickets." in read(alice_client.get(LIST + "?status=closed")).text


def _make_tickets(customer, department, count):
    now = timezone.now()
    tickets = TicketFactory.create_batch(count, customer=customer, department=department)
    for index, ticket in enumerate(tickets):
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now - timedelta(minutes=index))
    return [t.number for t in tickets]


def test_the_list_holds_25_tickets_a_page(alice_client, alice, technical):
    numbers = _make_tickets(alice, technical, 27)
    first = alice_client.get(LIST)
    assert _numbers(first) == numbers[:25]
    assert "Page 1 of 2" in read(first).text
    assert "?status=active&page=2" in read(first).hrefs()
    second = alice_client.get(LIST + "?status=active&page=2")
    assert _numbers(second) == numbers[25:]
    assert "?status=active&page=1" in read(second).hrefs()


@pytest.mark.parametrize("page", ["99", "0", "-1", "abc"])
def test_a_page_number_out_of_range_shows_a_page_not_an_error(alice_client, alice, technical, page):
    _make_tickets(alice, technical, 3)
    response = alice_client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert len(_numbers(response)) == 3


@override_settings(TICKETS_PER_PAGE=2)
def test_the_page_size_comes_from_the_settings(alice_client, alice, technical):
    _make_tickets(alice, technical, 3)
    assert len(_numbers(alice_client.get(LIST))) == 2


def test_the_list_keeps_the_filter_when_paging(alice_client, alice, technical):
    tickets = TicketFactory.create_batch(26, customer=alice, department=technical, status="closed")
    hrefs = read(alice_client.get(LIST + "?status=closed")).hrefs()
    assert "?status=closed&page=2" in hrefs
    assert len(_numbers(alice_client.get(LIST + "?status=closed&page=2"))) == 1
    assert len(tickets) == 26


def test_subjects_are_escaped(alice_client, alice, technical):
    open_ticket(alice, technical, subject="<script>alert(1)</script>")
    html = alice_client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
