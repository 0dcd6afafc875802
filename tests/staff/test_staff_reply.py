"""Answering from the staff ticket page: a reply sets Answered (or the chosen status), is
emailed to the customer, and carries attachments."""

import uuid

import pytest
from django.core import mail

from notifications.models import Notification
from tests.factories import png_upload
from tests.staff.pages import logged_in
from tickets.emails import TicketEmail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def reply(client, ticket, **data):
    last = ticket.messages.order_by("-pk").first()
    data.setdefault("last_seen", last.pk)
    data.setdefault("submission_token", str(uuid.uuid4()))
    return client.post(f"/staff/tickets/{ticket.number}/reply/", data)


def test_the_staff_ticket_page_shows_the_thread_and_the_customer(
    sam, alice, alice_hosting, alice_ticket, open_for, billing
):
    other = open_for(alice, alice_ticket.department, subject="Mailbox full")
    hidden = open_for(alice, billing, subject="Invoice question")
    html = logged_in(sam).get(f"/staff/tickets/{alice_ticket.number}/").content.decode()
    assert "The website shows Error 500 since this morning." in html
    assert "alice@example.com" in html
    assert "Alice Wijaya" in html
    assert "alice-shop.co.id" in html  # her services
    assert other.number in html  # her other tickets in sam's departments
    assert hidden.number not in html  # not in another department
    assert 'name="last_seen"' in html


def test_a_staff_reply_sets_answered_and_emails_the_customer(
    sam, alice_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(logged_in(sam), alice_ticket, body="We raised the memory limit.")
    assert response.status_code == 302
    assert response.url.startswith(f"/staff/tickets/{alice_ticket.number}/#message-")
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.ANSWERED
    assert alice_ticket.last_reply_by == sam
    assert alice_ticket.waiting_since is None
    post = alice_ticket.messages.latest("pk")
    assert post.is_staff_reply and not post.is_internal
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "We raised the memory limit." in mail.outbox[0].body
    assert f"/support/tickets/{alice_ticket.number}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "status", [Ticket.Status.IN_PROGRESS, Ticket.Status.ON_HOLD, Ticket.Status.CLOSED]
)
def test_the_staff_member_may_choose_another_status(sam, alice_ticket, status):
    reply(logged_in(sam), alice_ticket, body="Working on it.", status=status)
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == status
    assert Notification.objects.filter(ticket=alice_ticket, event=TicketEmail.STAFF_REPLY).exists()


def test_a_reply_carries_attachments(sam, alice, alice_ticket):
    client = logged_in(sam)
    last = alice_ticket.messages.latest("pk")
    client.post(
        f"/staff/tickets/{alice_ticket.number}/reply/",
        {"body": "See the screenshot.", "last_seen": last.pk, "attachments": [png_upload()]},
    )
    post = alice_ticket.messages.latest("pk")
    attachment = post.attachments.get()
    assert attachment.original_name == "screenshot.png"
    # The customer downloads it from her own page; sam from his.
    assert logged_in(alice).get(attachment.get_absolute_url()).status_code == 200
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_an_empty_reply_is_refused_and_nothing_is_posted(sam, alice_ticket):
    response = reply(logged_in(sam), alice_ticket, body="   ")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert alice_ticket.messages.count() == 1


def test_a_double_submit_posts_once(sam, alice_ticket):
    client = logged_in(sam)
    token = str(uuid.uuid4())
    reply(client, alice_ticket, body="Once.", submission_token=token)
    reply(client, alice_ticket, body="Once.", submission_token=token)
    assert alice_ticket.messages.filter(body="Once.").count() == 1


def test_the_customer_sees_the_staff_reply_on_her_ticket_page(sam, alice, alice_ticket):
    reply(logged_in(sam), alice_ticket, body="Fixed: please check.")
    html = logged_in(alice).get(f"/support/tickets/{alice_ticket.number}/").content.decode()
    assert "Fixed: please check." in html
    assert "Answered" in html
