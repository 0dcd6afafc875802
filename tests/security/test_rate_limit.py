"""Flood protection: a customer who opens tickets or replies faster than the limits gets a
clear "slow down" answer, and nothing is stored or emailed. The limits are settings."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import png_upload
from tickets import actions
from tickets.models import Attachment, Message, Ticket
from tickets.throttle import parse_rate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.TICKET_RATE_LIMIT = "3/10m"
    settings.TICKET_REPLY_RATE_LIMIT = "6/10m"
    return settings


def open_url(department):
    return reverse("tickets:open_form", args=[department.slug])


def ticket_data(n=0, **extra):
    return {
        "subject": f"Website alice-shop.co.id Error 500 (#{n})",
        "priority": "medium",
        "body": f"The website shows Error 500 since this morning ({n}).",
        "submission_token": str(uuid.uuid4()),
        **extra,
    }


def rows():
    return (
        Ticket.objects.count(),
        Message.objects.count(),
        Attachment.objects.count(),
        Notification.objects.count(),
    )


def open_tickets(client, department, count, capture):
    for n in range(count):
        with capture(execute=True):
            response = client.post(open_url(department), ticket_data(n))
        assert response.status_code == 302, f"ticket {n} within the limit was refused"


def test_the_ticket_over_the_limit_is_refused_with_a_slow_down_message(
    alice_client, alice, technical, django_capture_on_commit_callbacks
):
    open_tickets(alice_client, technical, 3, django_capture_on_commit_callbacks)
    before, sent = rows(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = alice_client.post(
            open_url(technical),
            {**ticket_data(99), "attachments": [png_upload()]},
        )
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please slow down: you have opened 3 tickets in the last 10 minutes." in html
    assert "This ticket has not been opened" in html
    assert 0 < int(response["Retry-After"]) <= 600
    # Nothing stored, nothing emailed, nothing queued.
    assert rows() == before
    assert len(mail.outbox) == sent
    assert callbacks == []


def test_the_refused_form_keeps_what_the_customer_typed(
    alice_client, technical, django_capture_on_commit_callbacks
):
    open_tickets(alice_client, technical, 3, django_capture_on_commit_callbacks)
    data = ticket_data(7, priority="high")
    response = alice_client.post(open_url(technical), data)
    html = response.content.decode()
    assert response.status_code == 429
    assert data["subject"] in html
    assert data["body"] in html
    assert f'value="{data["submission_token"]}"' in html


def test_once_the_period_has_passed_the_customer_may_open_a_ticket_again(
    alice_client, alice, technical, django_capture_on_commit_callbacks
):
    open_tickets(alice_client, technical, 3, django_capture_on_commit_callbacks)
    assert alice_client.post(open_url(technical), ticket_data(3)).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1), tick=False):
        response = alice_client.post(open_url(technical), ticket_data(4))
    assert response.status_code == 302
    assert alice.tickets.count() == 4


def test_the_second_submit_of_a_double_click_at_the_limit_finds_its_ticket(
    alice_client, alice, technical, django_capture_on_commit_callbacks
):
    open_tickets(alice_client, technical, 2, django_capture_on_commit_callbacks)
    data = ticket_data(2)
    first = alice_client.post(open_url(technical), data)
    second = alice_client.post(open_url(technical), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert alice.tickets.count() == 3


def test_one_customers_flood_does_not_slow_down_another(
    alice_client, bob, technical, django_capture_on_commit_callbacks
):
    open_tickets(alice_client, technical, 3, django_capture_on_commit_callbacks)
    alice_client.force_login(bob)
    response = alice_client.post(open_url(technical), ticket_data(1))
    assert response.status_code == 302


@pytest.fixture
def alice_ticket(alice, technical):
    return actions.open_ticket(
        customer=alice, department=technical, subject="Error 500", body="Since this morning."
    )


def reply(client, ticket, n, **extra):
    return client.post(
        reverse("tickets:reply", args=[ticket.number]),
        {"body": f"More details ({n}).", "submission_token": str(uuid.uuid4()), **extra},
    )


def test_the_reply_over_the_limit_is_refused_and_nothing_is_stored_or_emailed(
    alice_client, alice_ticket, sam, django_capture_on_commit_callbacks
):
    # The ticket's first message counts: 1 + 5 replies = 6 posts.
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            assert reply(alice_client, alice_ticket, n).status_code == 302
    mail.outbox = []
    before = rows()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = reply(alice_client, alice_ticket, 99, attachments=[png_upload()])
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please slow down: you have sent 6 messages in the last 10 minutes." in html
    assert "Your reply has not been sent" in html
    assert "More details (99)." in html
    assert int(response["Retry-After"]) > 0
    assert rows() == before
    assert callbacks == [] and mail.outbox == []


def test_replies_count_towards_the_limit_of_new_tickets_too(
    alice_client, alice_ticket, technical, django_capture_on_commit_callbacks, limits
):
    limits.TICKET_RATE_LIMIT = "10/10m"
    for n in range(5):
        assert reply(alice_client, alice_ticket, n).status_code == 302
    response = alice_client.post(open_url(technical), ticket_data(1))
    assert response.status_code == 429
    assert "you have sent 6 messages in the last 10 minutes" in response.content.decode()
    assert Ticket.objects.count() == 1


def test_staff_replies_do_not_count_against_the_customer(
    alice_client, alice_ticket, sam, django_capture_on_commit_callbacks
):
    for n in range(5):
        actions.add_reply(ticket=alice_ticket, author=sam, body=f"Staff reply {n}")
    assert reply(alice_client, alice_ticket, 1).status_code == 302


def test_a_limit_set_to_zero_is_off(alice_client, alice, technical, limits):
    limits.TICKET_RATE_LIMIT = "0"
    limits.TICKET_REPLY_RATE_LIMIT = "0"
    for n in range(8):
        assert alice_client.post(open_url(technical), ticket_data(n)).status_code == 302
    assert alice.tickets.count() == 8


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5/10m", (5, timedelta(minutes=10))),
        ("20/1h", (20, timedelta(hours=1))),
        ("3/30s", (3, timedelta(seconds=30))),
        ("100/d", (100, timedelta(days=1))),
        (" 5 / 10m ", (5, timedelta(minutes=10))),
        ("0", None),
        ("", None),
    ],
)
def test_limits_are_written_as_count_per_period(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["5", "5/10", "five/10m", "5/10x", "0/10m", "5/0m"])
def test_a_limit_written_wrongly_is_an_error_not_silently_no_limit(text):
    with pytest.raises(ValueError):
        parse_rate(text)
