"""The Queues overview: per department, awaiting reply (Open + Customer-Reply), In Progress,
On Hold, Answered and the longest wait."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.staff.pages import logged_in, overview_counts
from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_it_counts_each_departments_tickets_by_state(
    sam, bill, alice, bob, technical, billing, open_for
):
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=5), tick=False):
        oldest = open_for(alice, technical, subject="Server down")
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        open_for(bob, technical, subject="Email bounces")
        replied = open_for(alice, technical, subject="DNS question")
        actions.add_reply(ticket=replied, author=sam, body="Done.")
        actions.add_reply(ticket=replied, author=alice, body="Not yet working.")
        answered = open_for(bob, technical, subject="SSL renew")
        actions.add_reply(ticket=answered, author=sam, body="Renewed.")
        held = open_for(bob, technical, subject="Migration")
        actions.update_ticket(ticket=held, by=sam, status=Ticket.Status.ON_HOLD)
        working = open_for(alice, technical, subject="Slow site")
        actions.update_ticket(ticket=working, by=sam, status=Ticket.Status.IN_PROGRESS)
        closed = open_for(alice, technical, subject="Old")
        actions.close_ticket(ticket=closed, by=alice)
        open_for(alice, billing, subject="Invoice")

    with time_machine.travel(start, tick=False):
        response = logged_in(sam).get("/staff/")
    assert response.status_code == 200
    technical_row = overview_counts(response, "technical-support")
    assert technical_row == {
        "awaiting": "3",
        "in_progress": "1",
        "on_hold": "1",
        "answered": "1",
        "mine": "0",
        "longest_wait": "5 h 0 min",
    }
    # sam does not work in Billing: no row for it.
    assert 'data-department="billing-payments"' not in response.content.decode()
    assert oldest.waiting_since < replied.waiting_since


def test_it_counts_the_tickets_assigned_to_me(sam, alice, technical, open_for):
    ticket = open_for(alice, technical)
    open_for(alice, technical, subject="Another")
    actions.update_ticket(ticket=ticket, by=sam, assignee=sam)
    counts = overview_counts(logged_in(sam).get("/staff/"), "technical-support")
    assert counts["mine"] == "1"
    assert counts["awaiting"] == "2"


def test_an_empty_department_shows_zeros_and_no_wait(bill):
    counts = overview_counts(logged_in(bill).get("/staff/"), "billing-payments")
    assert counts == {
        "awaiting": "0",
        "in_progress": "0",
        "on_hold": "0",
        "answered": "0",
        "mine": "0",
        "longest_wait": "—",
    }


def test_the_overview_takes_the_same_queries_whatever_the_number_of_tickets(
    sam, alice, technical, billing, open_for
):
    sam.departments.add(billing)
    client = logged_in(sam)
    open_for(alice, technical)
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/")
    for n in range(30):
        open_for(alice, technical if n % 2 else billing, subject=f"Ticket {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/")
    assert len(many) == len(few)
