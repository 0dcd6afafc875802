"""Celery tasks that send the outbox. Thin: load the row, send it once, record the outcome."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .emails import build_email
from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 8)


class DeliveryError(Exception):
    """Sending failed for now; the task retries it with backoff."""


def deliver(notification_id):
    """Send one row at most once: lock it, check it is still pending, send, mark sent.

    Returns the row's state afterwards. Raises DeliveryError when the SMTP server failed and
    the row may be tried again.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("ticket__department", "recipient", "message")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.state != Notification.State.PENDING:
            return notification.state if notification else None
        notification.attempts += 1
        try:
            build_email(notification).send(fail_silently=False)
        except Exception as exc:
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.state = Notification.State.FAILED
            notification.save(update_fields=["attempts", "last_error", "state"])
            logger.warning("Notification %s not sent: %s", notification_id, exc)
            if notification.state == Notification.State.FAILED:
                return notification.state
            raise DeliveryError(notification.last_error) from exc
        notification.state = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return notification.state


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, acks_late=True)
def send_notification(self, notification_id):
    try:
        return deliver(notification_id)
    except DeliveryError as exc:
        if self.app.conf.task_always_eager:
            # In-process mode has no worker to wait in: the periodic pass tries again.
            return Notification.State.PENDING
        countdown = min(30 * 2**self.request.retries, 3600)
        raise self.retry(exc=exc, countdown=countdown) from None


@shared_task
def redispatch_pending(older_than_seconds=120):
    """Hand rows still pending after a while to the workers again (e.g. after a broker outage)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Notification.objects.filter(state=Notification.State.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    for notification_id in ids:
        send_notification.delay(notification_id)
    return len(ids)
