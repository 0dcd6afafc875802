"""The flood limit holds under parallel posts: 20 new-ticket POSTs of one customer fired at
the same moment, each with its own form token, store exactly TICKET_RATE_LIMIT tickets; the
others get the 429 page and store nothing (the count is re-checked under the customer's row
lock inside the action's transaction)."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.concurrency import in_threads
from tests.tickets.helpers import form_data
from tickets.models import Message, Ticket

PARALLEL = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_new_tickets_store_five(alice, technical, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the PostgreSQL pass of .ci/run runs this")
    settings.TICKET_RATE_LIMIT = "5/10m"
    settings.TICKET_REPLY_RATE_LIMIT = "100/10m"
    url = reverse("tickets:open_form", args=[technical.slug])
    statuses = []

    def post(number):
        client = Client()
        client.force_login(alice)
        data = form_data(subject=f"Racing ticket {number}", submission_token=uuid.uuid4())
        statuses.append(client.post(url, data).status_code)

    errors = in_threads(PARALLEL, post)
    assert errors == []
    assert Ticket.objects.filter(customer=alice).count() == 5
    assert Message.objects.filter(author=alice).count() == 5
    assert sorted(statuses) == [302] * 5 + [429] * 15
