"""A double click submits the same form twice: the submission token makes it one ticket (or
one reply), even when the two requests race."""

import uuid
from unittest import mock

from django.test import Client
from django.urls import reverse

from accounts.models import User
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


class _LateManager:
    """A related manager whose first duplicate check misses the row, as when another
    request commits the same submission between the check and the insert."""

    def __init__(self, manager, calls):
        self.manager, self.calls = manager, calls

    def filter(self, **kwargs):
        self.calls.append(kwargs)
        queryset = self.manager.filter(**kwargs)
        return queryset.none() if len(self.calls) == 1 else queryset

    def __getattr__(self, name):
        return getattr(self.manager, name)


def test_a_racing_second_submit_returns_the_first_ticket_and_keeps_no_files(alice, technical):
    token = uuid.uuid4()
    first = open_ticket(alice, technical, submission_token=token)
    before = media_files()
    real = User.tickets
    calls = []
    late = property(lambda user: _LateManager(real.__get__(user, User), calls))
    with mock.patch.object(User, "tickets", late):
        second = open_ticket(
            alice, technical, submission_token=token, files=[checked(png_upload())]
        )
    assert len(calls) == 2, "the insert failed on the unique token and the winner was found"
    assert second == first
    assert Ticket.objects.count() == 1
    assert not Attachment.objects.exists()
    assert media_files() == before


def test_a_racing_second_reply_returns_the_first_message_and_keeps_no_files(alice, technical):
    ticket = open_ticket(alice, technical)
    token = uuid.uuid4()
    first = actions.add_reply(ticket=ticket, author=alice, body="Hi", submission_token=token)
    before = media_files()
    real = Ticket.messages
    calls = []
    late = property(lambda t: _LateManager(real.__get__(t, Ticket), calls))
    with mock.patch.object(Ticket, "messages", late):
        second = actions.add_reply(
            ticket=ticket,
            author=alice,
            body="Hi",
            submission_token=token,
            files=[checked(png_upload())],
        )
    assert len(calls) == 2
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
