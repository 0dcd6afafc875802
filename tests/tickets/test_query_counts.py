"""The number of SQL queries of the customer pages does not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    MessageFactory,
    ServiceFactory,
    StaffFactory,
    TicketFactory,
    png_upload,
    text_upload,
)
from tests.tickets.helpers import checked
from tickets.actions.files import save_attachments
from tickets.models import Ticket


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


def _tickets(customer, departments, count):
    service = ServiceFactory(owner=customer)
    statuses = [Ticket.Status.OPEN, Ticket.Status.ANSWERED, Ticket.Status.CUSTOMER_REPLY]
    now = timezone.now()
    for index in range(count):
        ticket = TicketFactory(
            customer=customer,
            department=departments[index % len(departments)],
            service=service if index % 2 else None,
            status=statuses[index % len(statuses)],
        )
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now - timedelta(minutes=index))


@pytest.mark.parametrize("query", ["", "?status=all", "?status=active&page=2"])
def test_the_tickets_list_costs_the_same_with_3_or_60_tickets(
    alice_client, alice, bob, technical, billing, sales, query
):
    departments = [technical, billing, sales]
    _tickets(alice, departments, 3)
    _tickets(bob, departments, 3)
    url = reverse("tickets:list") + query
    if "page=2" in query:
        _tickets(alice, departments, 25)  # so that a second page exists for both sizes
    few = _queries(alice_client, url)
    _tickets(alice, departments, 57)
    many = _queries(alice_client, url)
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 8, len(many)


def _thread(ticket, staff, count):
    for index in range(count):
        author = staff[index % len(staff)] if index % 2 else ticket.customer
        message = MessageFactory(
            ticket=ticket,
            author=author,
            body=f"Message {index}\nsecond line",
            is_staff_reply=author != ticket.customer,
            is_internal=index % 7 == 6,
        )
        save_attachments(message, [checked(png_upload()), checked(text_upload())], [])


def test_the_ticket_page_costs_the_same_with_3_or_60_messages(
    alice_client, alice, alice_hosting, technical
):
    staff = [StaffFactory(departments=[technical]) for _ in range(3)]
    ticket = TicketFactory(customer=alice, department=technical, service=alice_hosting)
    _thread(ticket, staff, 3)
    few = _queries(alice_client, ticket.get_absolute_url())
    _thread(ticket, staff, 57)
    many = _queries(alice_client, ticket.get_absolute_url())
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 8, len(many)
