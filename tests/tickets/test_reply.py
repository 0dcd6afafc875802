"""The customer's reply on the ticket page: stored, status Customer-Reply, staff told."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import StaffFactory, png_upload
from tests.tickets.helpers import media_files, open_ticket, upload
from tests.tickets.pages import read
from tickets import actions
from tickets.models import Attachment, Message, Ticket, TicketEvent


def _reply_url(ticket):
    return reverse("tickets:reply", args=[ticket.number])


@pytest.fixture
def answered(alice, sam, technical):
    """Alice's ticket that Sam has answered."""
    ticket = open_ticket(alice, technical, body="The shop is down.")
    actions.add_reply(ticket=ticket, author=sam, body="Please clear the cache and retry.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ANSWERED
    return ticket


def _customer_reply_rows(ticket):
    return sorted(
        Notification.objects.filter(ticket=ticket, event="customer_reply").values_list(
            "recipient__email", flat=True
        )
    )


def test_a_reply_is_added_to_the_thread_and_sets_customer_reply(alice_client, alice, answered):
    response = alice_client.post(
        _reply_url(answered),
        {"body": "Still broken:\nError 500 again.", "attachments": [png_upload("again.png")]},
        follow=True,
    )
    assert response.redirect_chain == [(answered.get_absolute_url() + "#latest", 302)]
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.CUSTOMER_REPLY
    assert answered.last_reply_by == alice
    reply = answered.messages.order_by("id").last()
    assert reply.body == "Still broken:\nError 500 again."
    assert reply.author == alice and not reply.is_staff_reply
    assert [a.original_name for a in reply.attachments.all()] == ["again.png"]
    text = read(response).text
    assert "Your reply has been sent." in text
    assert "Status Customer-Reply" in text
    assert "Still broken: Error 500 again." in text
    assert TicketEvent.objects.filter(
        ticket=answered, field="status", old_value="answered", new_value="customer_reply"
    ).exists()


def test_a_reply_tells_the_departments_staff(alice_client, answered, sam, bill, technical):
    colleague = StaffFactory(email="tia@netdigi.test", departments=[technical])
    alice_client.post(_reply_url(answered), {"body": "Still broken."})
    assert _customer_reply_rows(answered) == sorted([sam.email, colleague.email])
    assert bill.email not in _customer_reply_rows(answered)


def test_a_reply_on_an_assigned_ticket_tells_only_the_assignee(alice_client, answered, technical):
    colleague = StaffFactory(email="tia@netdigi.test", departments=[technical])
    Ticket.objects.filter(pk=answered.pk).update(assignee=colleague)
    alice_client.post(_reply_url(answered), {"body": "Still broken."})
    assert _customer_reply_rows(answered) == ["tia@netdigi.test"]


def test_a_reply_to_a_closed_ticket_opens_it_again(alice_client, alice, answered, sam):
    actions.close_ticket(ticket=answered, by=alice)
    response = alice_client.post(_reply_url(answered), {"body": "It broke again."}, follow=True)
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.CUSTOMER_REPLY
    assert answered.closed_at is None
    assert "Your reply has been sent and the ticket is open again." in read(response).text
    assert _customer_reply_rows(answered) == [sam.email]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": ""}, "This field is required."),
        ({"body": "  \n  "}, "This field is required."),
        (
            {"body": "See file", "attachments": [upload("x.svg", b"<svg/>", "image/svg+xml")]},
            "x.svg: this type of file is not allowed",
        ),
        (
            {"body": "See file", "attachments": [upload("shot.png", b"text", "image/png")]},
            "shot.png: the file&#x27;s content does not match its extension.",
        ),
        (
            {"body": "See files", "attachments": [png_upload(f"{i}.png") for i in range(6)]},
            "You can attach at most 5 files.",
        ),
    ],
    ids=["empty", "whitespace", "svg", "fake png", "six files"],
)
def test_a_wrong_reply_is_refused_and_nothing_changes(alice_client, answered, data, error):
    before = (Message.objects.count(), Notification.objects.count(), media_files())
    response = alice_client.post(_reply_url(answered), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert "Your reply has not been sent yet." in html
    assert "Please clear the cache and retry." in html, "the thread is still shown"
    assert (Message.objects.count(), Notification.objects.count(), media_files()) == before
    assert not Attachment.objects.filter(message__ticket=answered).exists()
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.ANSWERED


def test_a_refused_reply_keeps_what_was_typed(alice_client, answered):
    response = alice_client.post(
        _reply_url(answered),
        {
            "body": "My long explanation\nwith <two> lines",
            "attachments": [upload("x.exe", b"MZ")],
            "submission_token": "6a1f0c52-3d5e-4f7a-9b1c-2d3e4f5a6b7c",
        },
    )
    form = read(response).form_posting_to(_reply_url(answered))
    assert form.fields["body"] == "My long explanation\nwith <two> lines"
    assert form.fields["submission_token"] == "6a1f0c52-3d5e-4f7a-9b1c-2d3e4f5a6b7c"


def test_reply_is_post_only(alice_client, answered):
    assert alice_client.get(_reply_url(answered)).status_code == 405
