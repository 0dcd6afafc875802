"""Nobody can post into someone else's ticket: the signed reply address, our Message-ID
(only from the person it was sent to) and the subject tag (only from the ticket's
customer), and the held cases an adversary would try."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mailin.addresses import message_id, reply_address
from mailin.models import InboundMessage
from notifications.models import Notification
from tests.factories import TicketFactory
from tickets.models import Message, Ticket

from .conftest import SUPPORT

pytestmark = pytest.mark.django_db

State = InboundMessage.State
Reason = InboundMessage.Reason


def mail(
    *,
    sender="alice@example.com",
    to=SUPPORT,
    subject="Re: my ticket",
    body="Here is more detail.",
    headers="",
):
    return (
        f"From: <{sender}>\r\nTo: <{to}>\r\nSubject: {subject}\r\n"
        f"Message-ID: <{timezone.now().timestamp()}.{sender}@example.com>\r\n"
        f"{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def notification_for(ticket, recipient):
    return Notification.objects.create(event="staff_reply", recipient=recipient, ticket=ticket)


def test_the_signed_reply_address_posts_to_its_ticket(ingest, ticket):
    row = ingest(mail(to=reply_address(ticket)))
    assert row.state == State.POSTED
    assert Message.objects.get().ticket == ticket


def test_the_reply_address_is_signed_and_names_the_department_mailbox(ticket):
    address = reply_address(ticket)
    assert address.startswith(f"support+{ticket.number}.")
    assert address.endswith("@netdigi.co.id")
    other = TicketFactory(customer=ticket.customer, department=ticket.department)
    signature = address.split(".")[1].split("@")[0]
    assert signature not in reply_address(other)


def test_our_message_id_from_its_recipient_posts_to_the_ticket(ingest, ticket, alice):
    notification = notification_for(ticket, alice)
    row = ingest(mail(headers=f"In-Reply-To: {message_id(notification.pk)}\r\n"))
    assert row.state == State.POSTED
    assert row.ticket == ticket


def test_the_subject_tag_from_the_customer_posts_to_the_ticket(ingest, ticket):
    row = ingest(mail(subject=f"Re: [Ticket #{ticket.number}] Website Error 500"))
    assert row.state == State.POSTED


def test_the_reply_address_wins_over_another_tickets_subject_tag(ingest, ticket, alice):
    other = TicketFactory(customer=alice, department=ticket.department)
    row = ingest(mail(to=reply_address(ticket), subject=f"[Ticket #{other.number}]"))
    assert row.ticket == ticket


# --- spoofing: each is held, nothing is posted ------------------------------------------


def test_a_forged_from_with_the_right_subject_tag_is_held_when_dmarc_fails(
    ingest, ticket, settings
):
    settings.EMAIL_AUTHSERV_ID = ["mx.netdigi.co.id"]
    row = ingest(
        mail(
            subject=f"Re: [Ticket #{ticket.number}] Website Error 500",
            headers="Authentication-Results: mx.netdigi.co.id; spf=fail; dkim=none; "
            "dmarc=fail (p=none) header.from=example.com\r\n",
        )
    )
    assert row.state == State.HELD
    assert row.reason == Reason.AUTH_FAILED
    assert row.ticket == ticket
    assert not Message.objects.exists()


def test_the_subject_tag_from_another_sender_is_held(ingest, ticket, bob):
    row = ingest(mail(sender=bob.email, subject=f"Re: [Ticket #{ticket.number}]"))
    assert row.state == State.HELD
    assert row.reason == Reason.NOT_CUSTOMER
    assert not Message.objects.exists()


def test_a_guessed_message_id_is_held(ingest, ticket, alice, bob):
    notification = notification_for(ticket, alice)
    guessed = f"<n{notification.pk}.0123456789abcdef0123@127.0.0.1>"
    row = ingest(mail(sender=bob.email, headers=f"In-Reply-To: {guessed}\r\n"))
    assert row.state == State.HELD
    assert row.reason == Reason.BAD_SIGNATURE
    assert not Message.objects.exists()
    assert not Ticket.objects.filter(customer=bob).exists()


def test_a_real_message_id_from_another_sender_is_held(ingest, ticket, alice, bob):
    notification = notification_for(ticket, alice)
    row = ingest(mail(sender=bob.email, headers=f"References: {message_id(notification.pk)}\r\n"))
    assert row.state == State.HELD
    assert row.reason == Reason.NOT_CUSTOMER
    assert row.ticket == ticket
    assert not Message.objects.exists()


def test_the_reply_address_signature_of_another_ticket_is_held(ingest, ticket, bob):
    bobs = TicketFactory(customer=bob, department=ticket.department)
    bobs_signature = reply_address(bobs).split(".")[1].split("@")[0]
    forged = f"support+{ticket.number}.{bobs_signature}@netdigi.co.id"
    row = ingest(mail(sender=bob.email, to=forged))
    assert row.state == State.HELD
    assert row.reason == Reason.BAD_SIGNATURE
    assert not Message.objects.exists()


def test_the_reply_address_from_another_sender_is_held(ingest, ticket, bob):
    row = ingest(mail(sender=bob.email, to=reply_address(ticket)))
    assert row.state == State.HELD
    assert row.reason == Reason.NOT_CUSTOMER


def test_a_staff_reply_by_email_is_held_like_any_other_sender(ingest, ticket, sam):
    row = ingest(mail(sender=sam.email, to=reply_address(ticket)))
    assert row.state == State.HELD
    assert not Message.objects.filter(is_staff_reply=True).exists()


def test_authentication_results_of_another_server_are_ignored(ingest, ticket, settings):
    settings.EMAIL_AUTHSERV_ID = ["mx.netdigi.co.id"]
    row = ingest(
        mail(
            to=reply_address(ticket),
            headers="Authentication-Results: mx.netdigi.co.id; dkim=pass; dmarc=pass\r\n"
            "Authentication-Results: evil.example; dmarc=fail\r\n",
        )
    )
    assert row.state == State.POSTED


def test_a_dkim_failure_of_our_server_holds(ingest, ticket, settings):
    settings.EMAIL_AUTHSERV_ID = ["mx.netdigi.co.id"]
    row = ingest(
        mail(
            to=reply_address(ticket),
            headers="Authentication-Results: mx.netdigi.co.id; dkim=fail header.d=example.com\r\n",
        )
    )
    assert row.state == State.HELD
    assert row.reason == Reason.AUTH_FAILED


def test_over_the_reply_limit_mail_is_held(ingest, ticket, settings):
    settings.TICKET_REPLY_RATE_LIMIT = "2/10m"
    states = [ingest(mail(to=reply_address(ticket), body=f"Reply {n}")).state for n in range(3)]
    assert states == [State.POSTED, State.POSTED, State.HELD]
    assert InboundMessage.objects.filter(reason=Reason.RATE_LIMITED).count() == 1


# --- new tickets, strangers, closed tickets ----------------------------------------------


def test_a_customer_writing_to_a_department_opens_a_medium_ticket(
    ingest, alice, technical, sam, mailoutbox
):
    row = ingest(mail(subject="Fwd: Re: Email on my phone stopped", body="It stopped today."))
    assert row.state == State.NEW_TICKET
    ticket = Ticket.objects.get(customer=alice)
    assert ticket.department == technical
    assert ticket.priority == Ticket.Priority.MEDIUM
    assert ticket.subject == "Email on my phone stopped"
    assert ticket.messages.get().body == "It stopped today."
    assert sorted(m.to[0] for m in mailoutbox) == [alice.email, sam.email]


def test_the_billing_address_opens_a_billing_ticket(ingest, alice, billing):
    ingest(mail(to="billing@netdigi.co.id"))
    assert Ticket.objects.get(customer=alice).department == billing


def test_a_stranger_opens_nothing_and_gets_one_answer_a_day(ingest, mailoutbox, db):
    rows = [ingest(mail(sender="stranger@elsewhere.test", body=f"Hi {n}")) for n in range(3)]
    assert {row.state for row in rows} == {State.IGNORED}
    assert {row.reason for row in rows} == {Reason.UNKNOWN_SENDER}
    assert not Ticket.objects.exists()
    assert len(mailoutbox) == 1
    answer = mailoutbox[0]
    assert answer.to == ["stranger@elsewhere.test"]
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "not the address of a Netdigi Member Area account" in answer.body
    assert "bukan alamat akun Netdigi Member Area" in answer.body


def test_a_stranger_gets_another_answer_the_next_day(ingest, mailoutbox, db):
    ingest(mail(sender="stranger@elsewhere.test", body="one"))
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        ingest(mail(sender="stranger@elsewhere.test", body="two"))
    assert len(mailoutbox) == 2


def test_a_reply_to_a_recently_closed_ticket_reopens_it(ingest, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.CLOSED, closed_at=timezone.now() - timedelta(days=29)
    )
    row = ingest(mail(to=reply_address(ticket)))
    assert row.state == State.POSTED
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CUSTOMER_REPLY


def test_a_reply_to_a_long_closed_ticket_opens_a_new_one_naming_it(ingest, ticket, alice):
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.CLOSED, closed_at=timezone.now() - timedelta(days=31)
    )
    row = ingest(mail(to=reply_address(ticket), subject="Re: Website Error 500"))
    assert row.state == State.NEW_TICKET
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    new = Ticket.objects.exclude(pk=ticket.pk).get(customer=alice)
    assert new.department == ticket.department
    assert f"#{ticket.number}" in new.messages.get().body
