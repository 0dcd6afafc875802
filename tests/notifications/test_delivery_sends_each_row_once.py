"""A row is sent at most once, however many tasks are asked to send it."""

import threading

import pytest
from django.db import connection, transaction

from notifications.models import Notification
from notifications.tasks import BUSY, deliver, send_notifications


def test_delivering_a_row_sends_it_and_marks_it_sent(smtp, row):
    assert deliver(row.pk) == Notification.State.SENT
    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.last_error == ""
    assert [m.to for m in smtp.accepted] == [["alice@example.com"]]


def test_a_second_task_for_a_sent_row_sends_nothing(smtp, row):
    send_notifications.apply(args=[[row.pk]])
    send_notifications.apply(args=[[row.pk]])
    assert len(smtp.accepted) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_failed_row_is_not_sent_by_a_late_task(smtp, row):
    Notification.objects.filter(pk=row.pk).update(state=Notification.State.FAILED)
    assert deliver(row.pk) == Notification.State.FAILED
    assert smtp.accepted == []


def test_a_task_for_a_row_that_no_longer_exists_does_nothing(smtp, row):
    pk = row.pk
    row.delete()
    assert deliver(pk) is None
    assert smtp.accepted == []


def test_a_failed_quit_after_the_server_accepted_the_message_still_marks_it_sent(smtp, row):
    smtp.close_error = TimeoutError("QUIT timed out")
    assert deliver(row.pk) == Notification.State.SENT
    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    assert len(smtp.accepted) == 1


@pytest.mark.django_db(transaction=True)
def test_a_row_another_worker_is_sending_is_skipped(smtp, alice, sam, technical):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (one writer at a time); the PostgreSQL run checks")
    from tests.tickets.helpers import open_ticket

    row = open_ticket(alice, technical).notifications.get(event="ticket_opened")
    smtp.accepted.clear()  # the commit above sent the rows in-process
    Notification.objects.filter(pk=row.pk).update(state=Notification.State.PENDING)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(30)
        assert deliver(row.pk) == BUSY
    finally:
        release.set()
        thread.join()
    assert smtp.accepted == []
    row.refresh_from_db()
    assert row.state == Notification.State.PENDING
