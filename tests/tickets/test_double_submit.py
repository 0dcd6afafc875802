"""A double click submits the same form twice: the submission token makes it one ticket (or
one reply), even when the two requests race."""

import uuid

from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from tests.factories import png_upload
from tests.tickets.helpers import checked, form_data, media_files, open_ticket
from tests.tickets.pages import read
from tickets import actions
from tickets.models import Attachment, Message, Ticket

FORM = reverse("tickets:open_form", args=["technical-support"])


def _with_file(data):
    return {**data, "attachments": [png_upload("error.png")]}


def test_the_same_form_submitted_twice_opens_one_ticket(alice_client, sam):
    data = form_data()
    first = alice_client.post(FORM, _with_file(data))
    files_after_first = media_files()
    second = alice_client.post(FORM, _with_file(data))
    ticket = Ticket.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == ticket.get_absolute_url()
    assert Message.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert Notification.objects.count() == 2
    assert media_files() == files_after_first, "the second copy's files are not stored"


def test_two_forms_open_two_tickets(alice_client):
    alice_client.post(FORM, form_data())
    alice_client.post(FORM, form_data())
    assert Ticket.objects.count() == 2


def test_another_customers_token_does_not_reach_their_ticket(alice_client, alice, bob):
    token = str(uuid.uuid4())
    alice_client.post(FORM, form_data(submission_token=token, subject="Alice's problem"))
    assert Ticket.objects.get().customer == alice
    bob_client = Client()
    bob_client.force_login(bob)
    response = bob_client.post(FORM, form_data(submission_token=token, subject="Bob's problem"))
    bobs = Ticket.objects.get(customer=bob)
    assert response.url == bobs.get_absolute_url()
    assert bobs.subject == "Bob's problem"
    assert Ticket.objects.count() == 2


def test_the_same_reply_submitted_twice_is_one_message(alice_client, alice, technical, sam):
    ticket = open_ticket(alice, technical)
    url = reverse("tickets:reply", args=[ticket.number])
    data = {"body": "Still broken.", "submission_token": str(uuid.uuid4())}
    first = alice_client.post(url, {**data, "attachments": [png_upload()]})
    second = alice_client.post(url, {**data, "attachments": [png_upload()]})
    assert first.status_code == second.status_code == 302
    assert ticket.messages.filter(body="Still broken.").count() == 1
    assert Attachment.objects.count() == 1
    assert Notification.objects.filter(event="customer_reply").count() == 1


def test_two_replies_with_their_own_tokens_are_two_messages(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    url = reverse("tickets:reply", args=[ticket.number])
    alice_client.post(url, {"body": "One", "submission_token": str(uuid.uuid4())})
    alice_client.post(url, {"body": "Two", "submission_token": str(uuid.uuid4())})
    assert ticket.messages.count() == 3


def test_a_second_submit_fails_on_the_unique_token_and_returns_the_first_ticket(alice, technical):
    """No lookup is made before the insert: the second insert fails on the token, which is
    unique per customer, and the first ticket is the answer (also when two requests race)."""
    token = uuid.uuid4()
    first = open_ticket(alice, technical, submission_token=token)
    before = media_files()
    second = open_ticket(alice, technical, submission_token=token, files=[checked(png_upload())])
    assert second == first
    assert Ticket.objects.count() == 1
    assert not Attachment.objects.exists()
    assert Notification.objects.count() == 1, "only the first ticket's email (no staff here)"
    assert media_files() == before


def test_a_second_reply_fails_on_the_unique_token_and_returns_the_first_message(alice, technical):
    ticket = open_ticket(alice, technical)
    token = uuid.uuid4()
    first = actions.add_reply(ticket=ticket, author=alice, body="Hi", submission_token=token)
    before = media_files()
    second = actions.add_reply(
        ticket=ticket,
        author=alice,
        body="Hi",
        submission_token=token,
        files=[checked(png_upload())],
    )
    assert second == first
    assert Message.objects.filter(ticket=ticket).count() == 2
    assert media_files() == before


def test_a_double_submit_shows_the_confirmation_once(alice_client):
    data = form_data()
    alice_client.post(FORM, data)
    response = alice_client.post(FORM, data, follow=True)
    number = Ticket.objects.get().number
    assert read(response).text.count(f"Ticket #{number} has been opened") == 1
    # The confirmation was shown: the next page is clean.
    page = read(alice_client.get(reverse("tickets:list")))
    assert "has been opened" not in page.text


def test_a_double_reply_shows_the_confirmation_once(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    url = reverse("tickets:reply", args=[ticket.number])
    data = {"body": "Still broken.", "submission_token": str(uuid.uuid4())}
    alice_client.post(url, data)
    response = alice_client.post(url, data, follow=True)
    assert read(response).text.count("Your reply has been sent.") == 1
