"""The admin's ticket change page costs the same number of queries for a short or a long
thread (no query per message)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MessageFactory, TicketFactory


def _queries_of_change_page(client, ticket):
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_admin_change_page_does_not_query_per_message(client, root, alice, technical):
    client.force_login(root)
    short = TicketFactory(customer=alice, department=technical)
    MessageFactory.create_batch(3, ticket=short)
    long = TicketFactory(customer=alice, department=technical)
    MessageFactory.create_batch(30, ticket=long)
    _queries_of_change_page(client, short)  # warm caches (content types, sessions)
    assert _queries_of_change_page(client, short) == _queries_of_change_page(client, long)
