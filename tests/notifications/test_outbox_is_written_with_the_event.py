"""Notification rows are written in the event's transaction and handed over after commit."""

from unittest import mock

import pytest
from django.db import transaction

from notifications.models import Notification
from tests.tickets.helpers import open_ticket
from tickets.emails import TicketEmail


def test_opening_a_ticket_writes_one_pending_row_per_recipient(alice, sam, technical):
    with mock.patch("notifications.outbox.dispatch"):
        ticket = open_ticket(alice, technical)
    rows = Notification.objects.filter(ticket=ticket)
    assert {(row.event, row.recipient, row.state) for row in rows} == {
        (TicketEmail.TICKET_OPENED, alice, Notification.State.PENDING),
        (TicketEmail.STAFF_NEW_TICKET, sam, Notification.State.PENDING),
    }
    assert all(row.message == ticket.messages.get() for row in rows)


def test_the_rows_are_handed_to_the_workers_only_after_commit(
    alice, sam, technical, django_capture_on_commit_callbacks
):
    with mock.patch("notifications.outbox.dispatch") as dispatch:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            ticket = open_ticket(alice, technical)
        dispatch.assert_not_called()
        for callback in callbacks:
            callback()
    handed = [pk for call in dispatch.call_args_list for pk in call.args[0]]
    assert sorted(handed) == sorted(ticket.notifications.values_list("pk", flat=True))


def test_an_event_that_rolls_back_leaves_no_row_and_sends_nothing(
    alice, sam, technical, django_capture_on_commit_callbacks
):
    with mock.patch("notifications.outbox.dispatch") as dispatch:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError):
                with transaction.atomic():
                    open_ticket(alice, technical)
                    raise RuntimeError("the request failed after the action")
    assert not Notification.objects.exists()
    assert callbacks == []
    dispatch.assert_not_called()
