"""Celery tasks that send the outbox. Thin: load the rows, send each once, record the outcome.

Rows are handed to the workers in chunks (`dispatch`, NOTIFICATION_SEND_BATCH rows per
`send_notifications` task); a task sends its rows one after the other over one SMTP
connection. Guarantees, whatever fails:
- A row is sent by one worker at a time: the sender holds the row's lock (its own
  transaction, one row at a time) while it talks to the SMTP server, and a second task for
  the same row skips it or finds it sent.
- A worker that dies before the SMTP server accepted a message leaves that row pending
  (its lock goes with its database connection) and the rows after it untouched; the task
  goes back to the queue (acks_late, reject_on_worker_lost) and sends what is still
  pending: each row once.
- A worker that dies after the server accepted a message but before its row was marked
  sent causes one more delivery of that one mail, with the same Message-ID. The window is
  kept to the commit that follows the server's "250" for that row: the next row, and QUIT,
  come after that commit.
- Every attempt is counted before the SMTP conversation starts (one UPDATE for the task's
  rows, committed first), so a row that keeps killing its worker ends failed instead of
  looping. An attempt that never finished is marked on its row (UNFINISHED); such a row
  found again in a task of several is sent by a task of its own, so that a row that kills
  its worker uses up its own attempts, not its neighbours'.
- A row the SMTP server refuses (or a connection that breaks) is retried with backoff in
  a task of its own time, while the rest of the task's rows go on (over a new connection
  when the old one broke).
"""

import logging
import smtplib
import time
from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import kinds
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
# A row's attempt handed to a task of its own (it did not finish once already).
ALONE = "alone"

# Written on a row when its attempt is counted; replaced by the outcome. Still there on a
# pending row, it says that the attempt never finished (its worker died).
UNFINISHED = "The last attempt did not finish (its worker stopped while sending)."

# Errors of one message that leave the SMTP connection usable for the next one.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# A task gives up on SMTP for its remaining rows (each retried later) after this many
# broken connections, or at its soft time limit: a server that hangs costs a few time-outs,
# not one per row.
CONNECTION_FAILURES = 2


class DeliveryError(Exception):
    """Sending failed for now; the row is tried again after `retry_in` seconds."""

    def __init__(self, message, *, retry_in):
        super().__init__(message)
        self.retry_in = retry_in


def retry_delay(attempts):
    """Seconds to wait after the `attempts`-th failed attempt: exponential, capped."""
    base = settings.NOTIFICATION_RETRY_BACKOFF
    return min(settings.NOTIFICATION_RETRY_BACKOFF_MAX, base * 2 ** max(attempts - 1, 0))


def _locked(ids):
    """Lock these rows for this transaction, skipping those another worker holds. Only the
    notification rows are locked (`of=("self",)`): the ticket and the other rows of the
    same event stay free for their own senders."""
    rows = Notification.objects.select_for_update(skip_locked=True, of=("self",))
    return rows.filter(pk__in=ids)


def _close_quietly(connection):
    if connection is None:
        return
    try:
        connection.close()
    except Exception:
        # The messages were accepted already; a failed QUIT changes nothing.
        logger.info("Closing the SMTP connection failed", exc_info=True)


def _error_text(exc):
    return f"{type(exc).__name__}: {exc}"[:2000]


def _count_attempts(ids, max_attempts):
    """Step 1, in a transaction of its own so that it survives a crash: count an attempt on
    every pending row of `ids` that is free. Returns (ids to send now, outcomes of the
    others)."""
    outcomes = {}
    with transaction.atomic():
        rows = {row.pk: row for row in _locked(ids).only("pk", "state", "attempts", "last_error")}
        missing = [pk for pk in ids if pk not in rows]
        if missing:
            present = set(Notification.objects.filter(pk__in=missing).values_list("pk", flat=True))
            outcomes.update({pk: BUSY if pk in present else None for pk in missing})
        send, alone = [], []
        for pk in ids:
            row = rows.get(pk)
            if row is None:
                continue
            if row.state != Notification.State.PENDING:
                outcomes[pk] = row.state
            elif row.attempts >= max_attempts:
                # Every attempt so far ended without an outcome: the worker died during each.
                if row.last_error in ("", UNFINISHED):
                    row.last_error = f"Gave up after {row.attempts} attempts that did not finish."
                row.state = Notification.State.FAILED
                row.save(update_fields=["state", "last_error"])
                logger.error("Notification %s failed: %s", pk, row.last_error)
                outcomes[pk] = row.state
            elif len(ids) > 1 and row.attempts and row.last_error == UNFINISHED:
                alone.append(pk)
                outcomes[pk] = ALONE
            else:
                send.append(pk)
        if send:
            Notification.objects.filter(pk__in=send).update(
                attempts=F("attempts") + 1, last_error=UNFINISHED
            )
    for pk in alone:
        # Its last attempt killed a worker, maybe: it gets a task of its own.
        dispatch([pk])
    return send, outcomes


class _Smtp:
    """One SMTP connection for a task's rows, opened when the first row needs it, opened
    again after a failure that broke it, given up after CONNECTION_FAILURES of those."""

    def __init__(self):
        self.connection = None
        self.failures = 0
        self.gave_up = None

    def send(self, email):
        if self.gave_up is not None:
            raise self.gave_up
        try:
            if self.connection is None:
                self.connection = get_connection(fail_silently=False)
                self.connection.open()
            # send_messages() does not close a connection it did not open: QUIT waits
            # until the task's last row is committed.
            self.connection.send_messages([email])
        except MESSAGE_ERRORS:
            raise
        except Exception as exc:
            self.close()
            self.failures += 1
            if self.failures >= CONNECTION_FAILURES or isinstance(exc, SoftTimeLimitExceeded):
                self.gave_up = exc
            raise

    def close(self):
        _close_quietly(self.connection)
        self.connection = None


def deliver_many(notification_ids):
    """Send these rows, each at most once, over one SMTP connection. Returns the outcome of
    each row by id: "sent", "failed", "busy", ALONE, None (gone), the state the row already
    had, or a DeliveryError when its attempt failed and it is to be tried again."""
    ids = list(dict.fromkeys(notification_ids))
    max_attempts = settings.NOTIFICATION_MAX_ATTEMPTS
    send, outcomes = _count_attempts(ids, max_attempts)
    if not send:
        return outcomes

    # 2. What the emails read, for all the rows at once (the rows' content never changes).
    rows = list(
        Notification.objects.filter(pk__in=send)
        .select_related("ticket__department", "recipient", "message")
        .order_by("pk")
    )
    outcomes.update({pk: None for pk in send})
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row.event].append(row)
    for name, of_kind in by_kind.items():
        try:
            kinds.get(name).prepare(of_kind)
        except LookupError:
            pass  # the row fails when it is built, below

    # 3. Each row in a transaction of its own: lock it, send it while holding it, and mark
    # it sent as soon as the server accepted it.
    smtp = _Smtp()
    try:
        for row in rows:
            outcomes[row.pk] = _send_one(row, smtp, max_attempts)
    finally:
        smtp.close()
    return outcomes


def _send_one(row, smtp, max_attempts):
    with transaction.atomic():
        state = _locked([row.pk]).values_list("state", flat=True).first()
        if state is None:
            return BUSY
        if state != Notification.State.PENDING:
            return state
        try:
            smtp.send(build_email(row))
        except Exception as exc:  # any failure is recorded on the row
            return _record_failure(row, exc, max_attempts) or row.state
        row.state = Notification.State.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
        Notification.objects.filter(pk=row.pk).update(
            state=row.state, sent_at=row.sent_at, last_error=""
        )
    return Notification.State.SENT


def deliver(notification_id):
    """Send one row at most once (deliver_many of one row). Returns the outcome: "sent",
    "failed", "busy", or the state the row already had. Raises DeliveryError when the
    attempt failed and the row is to be tried again."""
    outcome = deliver_many([notification_id])[notification_id]
    if isinstance(outcome, DeliveryError):
        raise outcome
    return outcome


def _record_failure(notification, exc, max_attempts):
    """Write the error on the row: failed after the last attempt, else due again later.
    Returns the DeliveryError of a retry, or None when the row is failed."""
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


@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_notifications(self, notification_ids):
    """Send these notification rows over one SMTP connection. Rows whose attempt failed
    are handed to a new task after their backoff (rows due at the same time together).

    The rows, not Celery, count the attempts (NOTIFICATION_MAX_ATTEMPTS), so a row handed
    to the workers again by the re-dispatch or the admin keeps one count. Returns the
    number of rows sent.
    """
    outcomes = deliver_many(notification_ids)
    retries = defaultdict(list)
    for pk, outcome in outcomes.items():
        if isinstance(outcome, DeliveryError):
            retries[outcome.retry_in].append(pk)
    # In-process mode has no worker to wait in: a failed row stays pending for the
    # re-dispatch.
    if not self.request.is_eager:
        for delay, ids in sorted(retries.items()):
            try:
                send_notifications.apply_async(args=[ids], countdown=delay, retry=False)
            except Exception:
                logger.warning(
                    "Could not enqueue the retry of notification(s) %s; they stay pending "
                    "for the re-dispatch.",
                    ids,
                    exc_info=True,
                )
    return sum(outcome == Notification.State.SENT for outcome in outcomes.values())


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
    """Ask the workers to send these rows, NOTIFICATION_SEND_BATCH rows per task. Never
    raises: returns how many rows were enqueued.

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
    size = settings.NOTIFICATION_SEND_BATCH
    for done in range(0, len(notification_ids), size):
        try:
            send_notifications.apply_async(args=[notification_ids[done : done + size]], retry=False)
        except Exception:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "Could not enqueue notification(s) %s; they stay pending for the re-dispatch.",
                notification_ids[done:],
                exc_info=True,
            )
            return done
    return len(notification_ids)
