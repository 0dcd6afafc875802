"""Ticket, first message, attachments and notification rows are saved in one transaction:
when any part fails, nothing is left behind, not even the files already written."""

from unittest import mock

import pytest
from django.db import DatabaseError

from notifications import outbox
from notifications.models import Notification
from tests.factories import png_upload, text_upload
from tests.tickets.helpers import checked, media_files, open_ticket
from tickets import actions
from tickets.models import Attachment, Message, Ticket


def test_a_failure_after_the_files_were_written_leaves_nothing(alice, technical, sam):
    before = media_files()
    with (
        mock.patch.object(outbox, "queue_events", side_effect=DatabaseError("outbox down")),
        pytest.raises(DatabaseError),
    ):
        open_ticket(alice, technical, files=[checked(png_upload()), checked(text_upload("a.log"))])
    assert not Ticket.objects.exists()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert not Notification.objects.exists()
    assert media_files() == before


def test_a_failed_reply_leaves_the_ticket_and_the_disk_as_they_were(alice, technical, sam):
    ticket = open_ticket(alice, technical)
    before = (media_files(), Notification.objects.count())
    with (
        mock.patch.object(outbox, "queue_events", side_effect=DatabaseError("outbox down")),
        pytest.raises(DatabaseError),
    ):
        actions.add_reply(ticket=ticket, author=alice, body="Hi", files=[checked(png_upload())])
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.messages.count() == 1
    assert (media_files(), Notification.objects.count()) == before


def test_a_service_of_another_customer_is_refused_by_the_action_too(alice, technical, bob_hosting):
    with pytest.raises(ValueError):
        open_ticket(alice, technical, service=bob_hosting)
    assert not Ticket.objects.exists()
