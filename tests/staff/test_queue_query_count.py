"""The queue page's number of queries does not grow with the number of tickets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ServiceFactory, UserFactory
from tests.staff.pages import logged_in, queue_numbers
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def make_tickets(department, count, start):
    """`count` tickets of different customers, services, assignees and last repliers, so
    that any per-row query would show."""
    customers = UserFactory.create_batch(3)
    services = [ServiceFactory(owner=customer) for customer in customers]
    staff = list(department.staff.all())
    Ticket.objects.bulk_create(
        Ticket(
            number=str(start + n),
            customer=customers[n % 3],
            service=services[n % 3],
            department=department,
            subject=f"Problem {n}",
            priority=Ticket.Priority.values[n % 3],
            status=[Ticket.Status.OPEN, Ticket.Status.CUSTOMER_REPLY][n % 2],
            assignee=staff[n % len(staff)] if n % 4 else None,
            last_reply_by=customers[n % 3] if n % 2 else staff[0],
        )
        for n in range(count)
    )


def queries_of(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response


@pytest.mark.parametrize("url", ["/staff/queues/technical-support/", "/staff/tickets/"])
def test_the_queue_takes_the_same_queries_with_10_or_500_tickets(sam, tess, technical, url):
    client = logged_in(sam)
    make_tickets(technical, 10, start=100000)
    few, response = queries_of(client, url)
    assert len(queue_numbers(response)) == 10

    make_tickets(technical, 490, start=200000)
    many, response = queries_of(client, url)
    assert len(queue_numbers(response)) == 25
    assert many == few


def test_the_queue_never_counts_the_whole_table(sam, tess, technical):
    make_tickets(technical, 60, start=100000)
    with CaptureQueriesContext(connection) as context:
        logged_in(sam).get("/staff/queues/technical-support/?page=2")
    assert not [q for q in context.captured_queries if "COUNT(" in q["sql"].upper()]
