"""SMTP errors and time-outs are retried with exponential backoff, then the row fails."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.tasks import DeliveryError, deliver, retry_delay, send_notifications

TEMPORARY_ERRORS = [
    smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
    smtplib.SMTPRecipientsRefused({"alice@example.com": (450, b"Mailbox busy")}),
    TimeoutError("timed out"),
    ConnectionRefusedError(111, "Connection refused"),
]


@pytest.mark.parametrize("error", TEMPORARY_ERRORS, ids=lambda e: type(e).__name__)
def test_an_smtp_error_or_time_out_keeps_the_row_pending_with_its_error(smtp, row, error):
    smtp.script = [error]
    before = timezone.now()
    with pytest.raises(DeliveryError) as raised:
        deliver(row.pk)
    row.refresh_from_db()
    assert row.state == Notification.State.PENDING
    assert row.attempts == 1
    assert row.last_error.startswith(type(error).__name__)
    assert raised.value.retry_in == 10
    assert row.next_attempt_at >= before + timedelta(seconds=10)
    assert smtp.accepted == []


def test_the_wait_doubles_after_each_failure_up_to_the_maximum(smtp):
    assert [retry_delay(n) for n in range(1, 6)] == [10, 20, 25, 25, 25]


def test_the_row_is_sent_once_the_server_accepts(smtp, row):
    smtp.script = [TimeoutError("timed out"), smtplib.SMTPDataError(451, b"Later")]
    for _ in range(2):
        with pytest.raises(DeliveryError):
            deliver(row.pk)
    assert deliver(row.pk) == Notification.State.SENT
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (Notification.State.SENT, 3, "")
    assert len(smtp.accepted) == 1


def test_after_the_last_attempt_the_row_is_failed_with_the_error(smtp, row):
    smtp.script = [smtplib.SMTPDataError(451, b"Later")] * 2 + [
        smtplib.SMTPDataError(554, b"5.7.1 Rejected")
    ]
    for _ in range(2):
        with pytest.raises(DeliveryError):
            deliver(row.pk)
    assert deliver(row.pk) == Notification.State.FAILED
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED
    assert row.attempts == 3
    assert "554" in row.last_error and "Rejected" in row.last_error
    # A failed row stays failed: later tasks leave it alone.
    assert deliver(row.pk) == Notification.State.FAILED
    assert smtp.accepted == []


def test_a_row_whose_worker_died_in_every_attempt_ends_failed(smtp, row):
    # Each attempt was counted before its worker was killed, and none recorded an outcome.
    Notification.objects.filter(pk=row.pk).update(attempts=3)
    assert deliver(row.pk) == Notification.State.FAILED
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED
    assert "did not finish" in row.last_error
    assert smtp.accepted == []


def test_the_task_hands_a_failed_row_to_a_new_task_after_the_backoff(smtp, row):
    smtp.script = [TimeoutError("timed out")]
    with mock.patch.object(send_notifications, "apply_async") as publish:
        assert send_notifications.run([row.pk]) == 0
    publish.assert_called_once_with(args=[[row.pk]], countdown=10, retry=False)


def test_in_process_mode_leaves_a_failed_attempt_pending_for_the_re_dispatch(smtp, row):
    smtp.script = [TimeoutError("timed out")]
    with mock.patch.object(send_notifications, "apply_async") as publish:
        send_notifications.apply(args=[[row.pk]])
    publish.assert_not_called()
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Notification.State.PENDING, 1)
