"""A delivery status notification marks the notification it is about "bounced", with the
receiving server's reason, visible in the notification admin; nothing is opened or sent."""

import pytest
from django.urls import reverse

from mailin.models import InboundMessage
from notifications.models import Notification
from tickets.models import Message, Ticket

from .conftest import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(ticket, alice):
    return Notification.objects.create(
        event="staff_reply", recipient=alice, ticket=ticket, state=Notification.State.SENT
    )


def test_a_dsn_marks_the_notification_bounced_with_the_reason(ingest, ticket, sent, mailoutbox):
    row = ingest(corpus("dsn.eml", NUMBER=ticket.number, IN_REPLY_TO=sent.email_message_id))
    assert row.state == InboundMessage.State.IGNORED
    assert row.reason == InboundMessage.Reason.BOUNCE
    sent.refresh_from_db()
    assert sent.state == Notification.State.BOUNCED
    assert "5.1.1" in sent.last_error
    assert "User unknown" in sent.last_error
    assert not Message.objects.exists()
    assert Ticket.objects.count() == 1
    assert mailoutbox == []


def test_a_dsn_naming_a_forged_message_id_marks_nothing(ingest, ticket, sent):
    forged = sent.email_message_id.replace(".", ".0", 1)
    row = ingest(corpus("dsn.eml", NUMBER=ticket.number, IN_REPLY_TO=forged))
    assert row.reason == InboundMessage.Reason.BOUNCE
    sent.refresh_from_db()
    assert sent.state == Notification.State.SENT


def test_the_bounce_is_shown_in_the_notification_admin(ingest, ticket, sent, client, root):
    ingest(corpus("dsn.eml", NUMBER=ticket.number, IN_REPLY_TO=sent.email_message_id))
    client.force_login(root)
    page = client.get(reverse("admin:notifications_notification_changelist"), {"state": "bounced"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Bounced" in html
    assert "5.1.1" in html


def test_a_delay_report_marks_nothing(ingest, ticket, sent):
    raw = corpus("dsn.eml", NUMBER=ticket.number, IN_REPLY_TO=sent.email_message_id)
    ingest(raw.replace(b"Action: failed", b"Action: delayed"))
    sent.refresh_from_db()
    assert sent.state == Notification.State.SENT
