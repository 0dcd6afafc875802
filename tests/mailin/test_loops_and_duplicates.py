"""Duplicates are posted once; automatic mail (auto-replies, lists, bounces, loops) is
stored and nothing is posted, opened or sent."""

import pytest

from mailin.addresses import message_id, reply_address
from mailin.models import InboundMessage
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

State = InboundMessage.State


def reply(ticket, *, headers="", received="", body="Still broken.", message_id="<dup-1@ex.com>"):
    return (
        f"{received}From: <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\n"
        f"Subject: Re: [Ticket #{ticket.number}]\r\nMessage-ID: {message_id}\r\n{headers}"
        f"\r\n{body}\r\n"
    ).encode()


def test_the_same_bytes_delivered_twice_post_once(ingest, ticket):
    raw = reply(ticket)
    ingest(raw)
    ingest(raw)
    assert Message.objects.filter(ticket=ticket).count() == 1
    assert InboundMessage.objects.count() == 1


def test_the_same_message_through_another_relay_posts_once(ingest, ticket):
    first = ingest(reply(ticket, received="Received: from mx1 by mx.netdigi.co.id\r\n"))
    second = ingest(reply(ticket, received="Received: from mx2 by mx.netdigi.co.id\r\n"))
    assert first.state == State.POSTED
    assert second.state == State.IGNORED
    assert second.reason == InboundMessage.Reason.DUPLICATE
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_two_messages_with_the_same_id_but_other_text_are_both_posted(ingest, ticket):
    ingest(reply(ticket, body="First"))
    ingest(reply(ticket, body="Second"))
    assert Message.objects.filter(ticket=ticket).count() == 2


AUTOMATIC = [
    "Auto-Submitted: auto-replied\r\n",
    "Auto-Submitted: auto-generated\r\n",
    "Precedence: bulk\r\n",
    "Precedence: junk\r\n",
    "Precedence: list\r\n",
    "X-Autoreply: yes\r\n",
    "X-Autorespond: Out of office\r\n",
    "List-Id: <news.example.org>\r\n",
    "Return-Path: <>\r\n",
    "Return-Path: <MAILER-DAEMON@mx.example.com>\r\n",
]


@pytest.mark.parametrize("header", AUTOMATIC)
def test_automatic_mail_is_ignored(header, ingest, ticket, mailoutbox):
    row = ingest(reply(ticket, headers=header))
    assert row.state == State.IGNORED
    assert row.reason == InboundMessage.Reason.AUTOMATIC
    assert not Message.objects.exists()
    assert mailoutbox == []


def test_auto_submitted_no_is_a_person(ingest, ticket):
    assert ingest(reply(ticket, headers="Auto-Submitted: no\r\n")).state == State.POSTED


def test_our_own_message_id_coming_back_is_a_loop(ingest, ticket):
    row = ingest(reply(ticket, message_id=message_id(4242)))
    assert row.state == State.IGNORED
    assert "loop" in row.detail


def test_an_auto_reply_storm_of_100_posts_nothing_and_sends_nothing(
    ingest, ticket, sam, mailoutbox
):
    """A stranger's and a customer's auto-responders answering each other 100 times."""
    for n in range(100):
        header = AUTOMATIC[n % len(AUTOMATIC)]
        sender = "alice@example.com" if n % 2 else "robot@elsewhere.test"
        raw = (
            f"From: <{sender}>\r\nTo: <support@netdigi.co.id>\r\n"
            f"Subject: Automatic reply: [Ticket #{ticket.number}]\r\n"
            f"Message-ID: <storm-{n}@elsewhere.test>\r\n{header}\r\nI am away.\r\n"
        ).encode()
        ingest(raw)
    assert InboundMessage.objects.count() == 100
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {State.IGNORED}
    assert not Message.objects.exists()
    assert Ticket.objects.count() == 1
    assert mailoutbox == []
