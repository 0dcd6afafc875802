"""The staff ticket page's number of queries does not grow with the thread."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import png_upload
from tests.staff.pages import logged_in
from tickets import actions
from tickets.uploads import check_upload

pytestmark = pytest.mark.django_db


def grow_thread(ticket, customer, staff, rounds):
    for n in range(rounds):
        actions.add_reply(
            ticket=ticket,
            author=customer,
            body=f"Still broken {n}",
            files=[check_upload(png_upload())],
        )
        actions.add_reply(ticket=ticket, author=staff, body=f"Try this {n}")
        actions.add_reply(ticket=ticket, author=staff, body=f"Note {n}", internal=True)
        actions.update_ticket(ticket=ticket, by=staff, priority=["low", "high"][n % 2])


def queries_of(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_the_ticket_page_takes_the_same_queries_with_a_short_or_long_thread(
    sam, tess, alice, alice_ticket, canned
):
    actions.update_ticket(ticket=alice_ticket, by=sam, assignee=tess)
    client = logged_in(sam)
    url = f"/staff/tickets/{alice_ticket.number}/"
    grow_thread(alice_ticket, alice, sam, 1)
    short = queries_of(client, url)
    grow_thread(alice_ticket, alice, sam, 10)
    assert alice_ticket.messages.count() == 34
    assert queries_of(client, url) == short
