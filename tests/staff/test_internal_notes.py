"""Internal notes: visible to staff only, visibly different in the thread, never shown or
emailed to the customer."""

import pytest
from django.core import mail

from notifications.models import Notification
from tests.factories import png_upload
from tests.staff.pages import logged_in
from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NOTE = "Customer is on the old PHP 7.4 cluster; do not promise an upgrade."


def post_note(client, ticket, **extra):
    last = ticket.messages.latest("pk")
    data = {"body": NOTE, "internal": "on", "last_seen": last.pk, **extra}
    return client.post(f"/staff/tickets/{ticket.number}/reply/", data)


def test_a_note_keeps_the_status_and_emails_nobody(
    sam, alice_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_note(logged_in(sam), alice_ticket)
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.OPEN
    assert alice_ticket.messages.latest("pk").is_internal
    assert mail.outbox == []
    assert not Notification.objects.filter(message__is_internal=True).exists()


def test_a_note_is_marked_as_such_in_the_staff_thread(sam, alice_ticket):
    client = logged_in(sam)
    post_note(client, alice_ticket)
    html = client.get(f"/staff/tickets/{alice_ticket.number}/").content.decode()
    note = alice_ticket.messages.latest("pk")
    article = html.split(f'id="message-{note.pk}"', 1)[1].split("</article>", 1)[0]
    assert "data-internal" in article
    assert "Internal note" in article
    assert NOTE in article


def test_notes_never_reach_any_customer_page(sam, alice, alice_ticket):
    post_note(logged_in(sam), alice_ticket, attachments=[png_upload("internal.png")])
    attachment = alice_ticket.messages.latest("pk").attachments.get()
    customer = logged_in(alice)
    for url in ["/", "/support/tickets/", f"/support/tickets/{alice_ticket.number}/"]:
        html = customer.get(url).content.decode()
        assert NOTE not in html, url
        assert "internal.png" not in html, url
    assert customer.get(attachment.get_absolute_url()).status_code == 404
    assert customer.get(attachment.get_thumbnail_url()).status_code == 404


def test_notes_are_never_in_an_email_to_the_customer(
    sam, alice, alice_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_note(logged_in(sam), alice_ticket)
        actions.add_reply(ticket=alice_ticket, author=sam, body="Public answer.")
        actions.add_reply(ticket=alice_ticket, author=alice, body="Thanks!")
        actions.close_ticket(ticket=alice_ticket, by=sam, automatic=True)
    to_alice = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    # The staff reply, the closing, and the satisfaction survey (sla/).
    assert len(to_alice) == 3
    for email in mail.outbox:
        assert NOTE not in email.body
        assert all(NOTE not in content for content, _type in email.alternatives)


def test_an_internal_note_cannot_claim_to_answer_the_customer(sam, alice_ticket):
    response = post_note(logged_in(sam), alice_ticket, status=Ticket.Status.ANSWERED)
    assert response.status_code == 400
    assert alice_ticket.messages.count() == 1


def test_a_note_may_change_the_status(sam, alice_ticket):
    post_note(logged_in(sam), alice_ticket, status=Ticket.Status.ON_HOLD)
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.ON_HOLD
