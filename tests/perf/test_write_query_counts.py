"""Opening a ticket and replying cost the same number of queries whatever the data holds."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MessageFactory, StaffFactory, TicketFactory
from tickets.models import Ticket


@pytest.fixture(autouse=True)
def _flood_limits_out_of_reach(settings):
    """The data here is made within a second: the flood limits (tickets/throttle.py) stay
    on, so their queries are counted, but too high to refuse these posts."""
    settings.TICKET_RATE_LIMIT = "1000/10m"
    settings.TICKET_REPLY_RATE_LIMIT = "1000/10m"


def _statements(client, url, data):
    with CaptureQueriesContext(connection) as context:
        response = client.post(url, data)
    assert response.status_code == 302
    return [query["sql"] for query in context.captured_queries]


def _open(client, department):
    data = {
        "subject": "Website error 500",
        "priority": "medium",
        "body": "The shop answers Error 500 since this morning.",
        "submission_token": str(uuid.uuid4()),
    }
    return _statements(client, reverse("tickets:open_form", args=[department.slug]), data)


def _reply(client, ticket):
    data = {"body": "Still broken, see above.", "submission_token": str(uuid.uuid4())}
    return _statements(client, reverse("tickets:reply", args=[ticket.number]), data)


def test_opening_a_ticket_costs_the_same_with_2_or_60_tickets_stored(
    alice_client, alice, bob, sam, technical
):
    TicketFactory(customer=bob, department=technical)
    first = _open(alice_client, technical)
    TicketFactory.create_batch(30, customer=alice, department=technical)
    TicketFactory.create_batch(28, customer=bob, department=technical)
    second = _open(alice_client, technical)
    assert Ticket.objects.count() == 61
    assert len(second) == len(first), "\n".join(second)


def test_replying_costs_the_same_on_a_thread_of_3_or_60_messages(
    alice_client, alice, sam, technical
):
    colleague = StaffFactory(departments=[technical])
    ticket = TicketFactory(customer=alice, department=technical, status=Ticket.Status.ANSWERED)
    MessageFactory.create_batch(2, ticket=ticket)
    first = _reply(alice_client, ticket)
    for index in range(57):
        author = [sam, colleague][index % 2] if index % 3 else alice
        MessageFactory(ticket=ticket, author=author, is_staff_reply=author != alice)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.ANSWERED)
    second = _reply(alice_client, ticket)
    assert ticket.messages.count() == 61
    assert len(second) == len(first), "\n".join(second)
