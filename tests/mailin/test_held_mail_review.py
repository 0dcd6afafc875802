"""Held mail review (/staff/mail/): staff see the held mail of their departments only,
open the original, approve it into the ticket or discard it; customers are refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mailin.addresses import reply_address
from mailin.models import InboundMessage
from tests.factories import TicketFactory
from tickets.models import Message

pytestmark = pytest.mark.django_db

State = InboundMessage.State
HELD = reverse("mailin:held")
# session, user, the device that verified the staff member's session (two-factor sign-in,
# django-otp), the count for the pager, the page of rows with their tickets and
# departments (the staff member's departments are a subquery of both)
HELD_LIST_QUERIES = 5


def held_from(ingest, ticket, sender="bob@example.com", body="Please see this."):
    raw = (
        f"From: <{sender}>\r\nTo: <{reply_address(ticket)}>\r\nSubject: Re: hi\r\n"
        f"Message-ID: <{body.replace(' ', '.')}.{sender}>\r\n\r\n{body}\r\n"
    ).encode()
    row = ingest(raw)
    assert row.state == State.HELD
    return row


@pytest.fixture
def billing_ticket(alice, billing):
    return TicketFactory(customer=alice, department=billing)


def test_staff_see_the_held_mail_of_their_departments_only(
    ingest, client, sam, ticket, billing_ticket, bob
):
    mine = held_from(ingest, ticket, body="For technical")
    other = held_from(ingest, billing_ticket, body="For billing")
    client.force_login(sam)
    page = client.get(HELD)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-inbound="{mine.pk}"' in html
    assert f'data-inbound="{other.pk}"' not in html
    assert "bob@example.com" in html


def test_a_superuser_sees_every_held_mail(ingest, client, root, ticket, billing_ticket, bob):
    rows = [held_from(ingest, ticket, body="one"), held_from(ingest, billing_ticket, body="two")]
    client.force_login(root)
    html = client.get(HELD).content.decode()
    assert all(f'data-inbound="{row.pk}"' in html for row in rows)


def test_customers_are_refused_and_visitors_sent_to_login(ingest, client, alice, ticket, bob):
    row = held_from(ingest, ticket)
    assert client.get(HELD).status_code == 302
    client.force_login(alice)
    for url in (HELD, reverse("mailin:original", args=[row.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("mailin:approve", args=[row.pk])).status_code == 403


def test_the_original_is_shown_as_plain_text_to_its_departments_staff(
    ingest, client, sam, bill, ticket, bob
):
    row = held_from(ingest, ticket, body="<script>alert(1)</script>")
    url = reverse("mailin:original", args=[row.pk])
    client.force_login(sam)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content == bytes(InboundMessage.objects.get(pk=row.pk).raw)
    client.force_login(bill)
    assert client.get(url).status_code == 404


def test_approving_posts_it_to_the_ticket_as_the_customer(ingest, client, sam, ticket, bob):
    row = held_from(ingest, ticket, body="Forwarded by my colleague")
    client.force_login(sam)
    response = client.post(reverse("mailin:approve", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == State.POSTED
    assert row.reviewed_by == sam
    message = Message.objects.get(ticket=ticket)
    assert message.author == ticket.customer
    assert "Forwarded by my colleague" in message.body
    assert "bob@example.com" in message.body
    # A second click changes nothing.
    client.post(reverse("mailin:approve", args=[row.pk]))
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_discarding_posts_nothing(ingest, client, sam, ticket, bob):
    row = held_from(ingest, ticket)
    client.force_login(sam)
    client.post(reverse("mailin:discard", args=[row.pk]))
    row.refresh_from_db()
    assert row.state == State.DISCARDED
    assert not Message.objects.exists()
    assert f'data-inbound="{row.pk}"' not in client.get(HELD).content.decode()


def test_staff_of_another_department_cannot_approve_or_discard(ingest, client, bill, ticket, bob):
    row = held_from(ingest, ticket)
    client.force_login(bill)
    assert client.post(reverse("mailin:approve", args=[row.pk])).status_code == 404
    assert client.post(reverse("mailin:discard", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.state == State.HELD


def test_approve_and_discard_take_post_only(ingest, client, sam, ticket, bob):
    row = held_from(ingest, ticket)
    client.force_login(sam)
    assert client.get(reverse("mailin:approve", args=[row.pk])).status_code == 405
    assert client.get(reverse("mailin:discard", args=[row.pk])).status_code == 405


def test_the_staff_ticket_page_links_to_the_mail_received_for_the_ticket(
    ingest, client, sam, ticket
):
    row = ingest(
        f"From: <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\nSubject: Re\r\n"
        "Message-ID: <x1@example.com>\r\n\r\nThanks\r\n".encode()
    )
    assert row.state == State.POSTED
    client.force_login(sam)
    page = client.get(ticket.get_staff_url()).content.decode()
    link = f"{HELD}?ticket={ticket.number}"
    assert link in page
    listing = client.get(link).content.decode()
    assert reverse("mailin:original", args=[row.pk]) in listing


@pytest.mark.parametrize("count", [1, 30])
def test_the_held_list_makes_the_same_queries_with_little_and_more_mail(
    count, ingest, client, sam, ticket, bob
):
    for n in range(count):
        held_from(ingest, ticket, body=f"Held {n}")
    client.force_login(sam)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HELD).status_code == 200
    assert len(queries) == HELD_LIST_QUERIES, [q["sql"] for q in queries]


def test_the_incoming_email_admin_is_for_superusers_only(ingest, client, root, sam, ticket, bob):
    row = held_from(ingest, ticket)
    changelist = reverse("admin:mailin_inboundmessage_changelist")
    change = reverse("admin:mailin_inboundmessage_change", args=[row.pk])
    client.force_login(sam)
    assert client.get(changelist).status_code == 403
    assert client.get(change).status_code == 403
    client.force_login(root)
    assert client.get(changelist).status_code == 200
    page = client.get(change)
    assert page.status_code == 200
    assert reverse("mailin:original", args=[row.pk]) in page.content.decode()
