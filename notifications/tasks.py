"""Celery tasks that send the outbox. Thin: load the row, send it once, record the outcome.

Guarantees, whatever fails:
- A row is sent by one worker at a time: the sender holds the row's lock while it talks to
  the SMTP server, and a second task for the same row skips it or finds it sent.
- A worker that dies before the SMTP server accepted the message leaves the row pending
  (its lock goes with its database connection); the message goes back to the queue
  (acks_late, reject_on_worker_lost) and the row is sent once.
- A worker that dies after the server accepted the message but before the row was marked
  sent causes one more delivery of the same mail, with the same Message-ID. The window is
  kept to the commit that follows the server's "250": QUIT is sent after that commit.
- Every attempt is counted before the SMTP conversation starts, so a row that keeps killing
  its worker ends failed instead of looping.
"""

import logging
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from .emails import build_email
from .models import Notification

logger = logging.getLogger(__name__)

# After a failed publish, this process does not try the broker again for this many seconds:
# the other rows of the same request (and the next requests) go straight to the outbox
# instead of each paying for a connection attempt to a broker that is down.
BROKER_PAUSE_SECONDS = 5.0
_broker_paused_until = 0.0

# How many rows one re-dispatch pass hands to the workers at most.
REDISPATCH_BATCH = 500

# Outcomes of deliver(), besides the row states.
BUSY = "busy"
RETRY = "retry"


class DeliveryError(Exception):
    """Sending failed for now; the task tries again after `retry_in` seconds."""

    def __init__(self, message, *, retry_in):
        super().__init__(message)
        self.retry_in = retry_in


def retry_delay(attempts):
    """Seconds to wait after the `attempts`-th failed attempt: exponential, capped."""
    base = settings.NOTIFICATION_RETRY_BACKOFF
    return min(settings.NOTIFICATION_RETRY_BACKOFF_MAX, base * 2 ** max(attempts - 1, 0))


def _lock(notification_id, *, related=False):
    """The row, locked for this transaction; None when it is gone or another worker holds it.

    Only the notification row is locked (`of=("self",)`): the ticket and the other rows of
    the same event stay free for their own senders.
    """
    rows = Notification.objects.select_for_update(skip_locked=True, of=("self",))
    if related:
        rows = rows.select_related("ticket__department", "recipient", "message")
    return rows.filter(pk=notification_id).first()


def _close_quietly(connection):
    if connection is None:
        return
    try:
        connection.close()
    except Exception:
        # The message was accepted already; a failed QUIT changes nothing.
        logger.info("Closing the SMTP connection failed", exc_info=True)


def _error_text(exc):
    return f"{type(exc).__name__}: {exc}"[:2000]


def deliver(notification_id):
    """Send one row at most once. Returns the outcome: "sent", "failed", "busy", or the
    state the row already had. Raises DeliveryError when the attempt failed and the row is
    to be tried again."""
    max_attempts = settings.NOTIFICATION_MAX_ATTEMPTS

    # 1. Count the attempt, in a transaction of its own so that it survives a crash.
    with transaction.atomic():
        notification = _lock(notification_id)
        if notification is None:
            return BUSY if Notification.objects.filter(pk=notification_id).exists() else None
        if notification.state != Notification.State.PENDING:
            return notification.state
        if notification.attempts >= max_attempts:
            # Every attempt so far ended without an outcome: the worker died during each.
            notification.state = Notification.State.FAILED
            notification.last_error = notification.last_error or (
                f"Gave up after {notification.attempts} attempts that did not finish."
            )
            notification.save(update_fields=["state", "last_error"])
            logger.error("Notification %s failed: %s", notification_id, notification.last_error)
            return notification.state
        notification.attempts += 1
        notification.save(update_fields=["attempts"])

    # 2. Send while holding the row, and mark it sent as soon as the server accepted it.
    connection = None
    with transaction.atomic():
        notification = _lock(notification_id, related=True)
        if notification is None:
            return BUSY
        if notification.state != Notification.State.PENDING:
            return notification.state
        try:
            email = build_email(notification)
            connection = get_connection(fail_silently=False)
            connection.open()
            # send_messages() does not close a connection it did not open: QUIT waits
            # until the row is committed as sent.
            connection.send_messages([email])
        except Exception as exc:  # any failure is recorded on the row
            _close_quietly(connection)
            retry = _record_failure(notification, exc, max_attempts)
            if retry is None:
                return notification.state
        else:
            retry = None
            notification.state = Notification.State.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
            notification.save(update_fields=["state", "sent_at", "last_error"])
    # Raised once the failure is committed, not inside the transaction that records it.
    if retry is not None:
        raise retry
    _close_quietly(connection)
    return Notification.State.SENT


def _record_failure(notification, exc, max_attempts):
    """Write the error on the row: failed after the last attempt, else due again later.
    Returns the DeliveryError to raise for a retry, or None when the row is failed."""
    notification.last_error = _error_text(exc)
    if notification.attempts >= max_attempts:
        notification.state = Notification.State.FAILED
        notification.save(update_fields=["state", "last_error"])
        logger.error("Notification %s failed: %s", notification.pk, exc)
        return None
    delay = retry_delay(notification.attempts)
    notification.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    notification.save(update_fields=["last_error", "next_attempt_at"])
    logger.warning(
        "Notification %s not sent (attempt %d of %d), next try in %ss: %s",
        notification.pk,
        notification.attempts,
        max_attempts,
        delay,
        exc,
    )
    error = DeliveryError(notification.last_error, retry_in=delay)
    error.__cause__ = exc
    return error


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def send_notification(self, notification_id):
    """Send one notification row; retried with backoff while the SMTP server fails.

    The row, not Celery, counts the attempts (NOTIFICATION_MAX_ATTEMPTS), so a row handed
    to the workers again by the re-dispatch or the admin keeps one count.
    """
    try:
        return deliver(notification_id)
    except DeliveryError as exc:
        if self.request.is_eager:
            # In-process mode has no worker to wait in; the row stays pending.
            return RETRY
        raise self.retry(exc=exc, countdown=exc.retry_in) from None


@shared_task(ignore_result=True)
def redispatch_pending():
    """Hand rows still pending well after they were due to the workers again.

    They were caught by a broker outage at request time, or their task was lost. Each row
    handed over is marked due now, so the next pass leaves it alone while its task waits in
    the queue. Rows that a worker is sending right now (locked) are skipped.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFICATION_REDISPATCH_AFTER)
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Notification.State.PENDING, next_attempt_at__lte=cutoff)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:REDISPATCH_BATCH]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
    if ids:
        logger.info("Re-dispatching %d pending notification(s)", len(ids))
    return dispatch(ids)


# Rows deleted per statement by the prune pass, so that no statement holds many locks.
PRUNE_BATCH = 5000


@shared_task(ignore_result=True)
def prune_sent():
    """Delete sent rows older than NOTIFICATION_RETENTION_DAYS, a batch at a time. Returns
    how many were deleted. Pending and failed rows stay: they still need someone."""
    days = settings.NOTIFICATION_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    old = Notification.objects.filter(state=Notification.State.SENT, sent_at__lt=cutoff)
    deleted = 0
    while True:
        ids = list(old.order_by().values_list("pk", flat=True)[:PRUNE_BATCH])
        if not ids:
            break
        deleted += Notification.objects.filter(pk__in=ids).delete()[0]
    if deleted:
        logger.info("Pruned %d sent notification(s) older than %d days", deleted, days)
    return deleted


def dispatch(notification_ids):
    """Ask the workers to send these rows. Never raises: returns how many were enqueued.

    When the broker cannot be reached, publishing gives up after one connection attempt
    (see CELERY_BROKER_TRANSPORT_OPTIONS), and neither the remaining rows nor the next few
    seconds of requests try again: the rows stay pending, and the periodic re-dispatch hands
    them over once the broker is back. So a request that opens a ticket while Redis is down
    still succeeds, without waiting.
    """
    global _broker_paused_until

    notification_ids = list(notification_ids)
    if notification_ids and time.monotonic() < _broker_paused_until:
        logger.warning(
            "Broker unavailable a moment ago; notification(s) %s stay pending for the re-dispatch.",
            notification_ids,
        )
        return 0
    for done, notification_id in enumerate(notification_ids):
        try:
            send_notification.apply_async(args=[notification_id], retry=False)
        except Exception:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "Could not enqueue notification(s) %s; they stay pending for the re-dispatch.",
                notification_ids[done:],
                exc_info=True,
            )
            return done
    return len(notification_ids)
