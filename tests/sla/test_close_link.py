"""One click from the staff reply email: "Problem solved? Close the ticket"."""

import pytest
from django.core import mail
from django.urls import reverse

from sla import links
from tickets import actions


@pytest.fixture
def answered(alice, sam, technical):
    ticket = actions.open_ticket(customer=alice, department=technical, subject="SSL", body="?")
    actions.add_reply(ticket=ticket, author=sam, body="Renewed the certificate.")
    return ticket


def test_the_staff_reply_email_carries_both_links(
    alice, sam, technical, django_capture_on_commit_callbacks
):
    ticket = actions.open_ticket(customer=alice, department=technical, subject="SSL", body="?")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(ticket=ticket, author=sam, body="Done.")
    [email] = mail.outbox
    assert "Problem solved? Close the ticket:" in email.body
    assert "/support/close/" in email.body
    assert "Still need help? Reply:" in email.body
    assert "Problem solved? Close the ticket" in email.alternatives[0][0]


def test_no_close_link_when_the_reply_leaves_the_ticket_in_progress(
    alice, sam, technical, django_capture_on_commit_callbacks
):
    ticket = actions.open_ticket(customer=alice, department=technical, subject="SSL", body="?")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(
            ticket=ticket, author=sam, body="Working on it.", new_status="in_progress"
        )
    [email] = mail.outbox
    assert "/support/close/" not in email.body


def test_get_asks_and_post_closes(client, answered):
    url = links.close_url(answered)
    page = client.get(url)
    assert page.status_code == 200 and b"Yes, close the ticket" in page.content
    answered.refresh_from_db()
    assert answered.status == "answered"

    page = client.post(url)
    assert b"data-closed" in page.content
    answered.refresh_from_db()
    assert answered.status == "closed"
    event = answered.events.get(new_value="closed")
    assert event.actor == answered.customer
    # The survey went out with the close, and the page links to the rating.
    assert hasattr(answered, "survey")
    assert b"/support/feedback/" in page.content


def test_a_second_post_changes_nothing(client, answered):
    url = links.close_url(answered)
    client.post(url)
    page = client.post(url)
    assert b"data-already-closed" in page.content
    assert answered.events.filter(new_value="closed").count() == 1


def test_a_rating_link_cannot_close(client, answered):
    token = links.make_token(answered, links.RATE)
    response = client.post(reverse("sla:close", args=[token]))
    assert response.status_code == 400
    answered.refresh_from_db()
    assert answered.status == "answered"
