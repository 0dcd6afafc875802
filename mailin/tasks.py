"""Celery tasks of the intake. Thin: each loads rows by id and calls the module that works."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .dispatch import process_later
from .models import InboundMessage

logger = logging.getLogger(__name__)

REDISPATCH_BATCH = 500


# After its own message, a worker's task goes on with the messages stored meanwhile (their
# own tasks then find them done), a chunk at a time, for at most this long: under a burst,
# the fixed cost of a task is paid once a chunk rather than once a message.
DRAIN_CHUNK = 25
DRAIN_SECONDS = 10.0


@shared_task(bind=True, acks_late=True, ignore_result=True)
def process_inbound(self, inbound_id):
    """Process one stored message (mailin.pipeline); a second run finds it done. In a
    worker, when it processed its own, then the other messages waiting for their first
    attempt (pipeline.drain)."""
    from .pipeline import drain, process

    state = process(inbound_id)
    # A message found done (or held by another worker) was taken by a chunk that is still
    # under way or has just ended: only a task that did its own goes on with the others.
    if state is not None and not self.request.is_eager and not self.request.called_directly:
        drain(chunk=DRAIN_CHUNK, seconds=DRAIN_SECONDS)
    return state


@shared_task(ignore_result=True)
def process_waiting():
    """Hand messages still "received" a while after they arrived to the workers again:
    their task was lost to a broker outage, or a passing fault left them for later."""
    cutoff = timezone.now() - timedelta(seconds=settings.INBOUND_REDISPATCH_AFTER)
    ids = list(
        InboundMessage.objects.filter(state=InboundMessage.State.RECEIVED, received_at__lte=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:REDISPATCH_BATCH]
    )
    return process_later(ids)


@shared_task(ignore_result=True)
def prune_inbound():
    """Delete stored messages older than INBOUND_RETENTION_DAYS (0 keeps them for ever)."""
    days = settings.INBOUND_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = InboundMessage.objects.filter(received_at__lt=cutoff).delete()
    if deleted:
        logger.info("Pruned %d incoming email(s) older than %d days", deleted, days)
    return deleted


# A pass that outlives its minute must not run beside the next one (both would fetch the
# same messages; storing them is safe, moving them twice is not): one pass at a time, held
# in the cache (shared by every worker when CACHE_URL is Redis), for at most this long.
FETCH_LOCK = "mailin:fetch-email"
FETCH_LOCK_SECONDS = 600


@shared_task(ignore_result=True)
def fetch_email():
    """One pass over the IMAP mailbox of EMAIL_INBOX_URL (nothing when it is not set, or
    while another pass runs)."""
    from .imap import fetch_once

    if not settings.EMAIL_INBOX_URL:
        return 0
    if not cache.add(FETCH_LOCK, True, FETCH_LOCK_SECONDS):
        logger.info("An IMAP pass is still running; this one is skipped.")
        return 0
    try:
        return fetch_once()
    finally:
        cache.delete(FETCH_LOCK)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=6)
def send_answer(self, inbound_id, kind):
    """Send one automatic answer about an incoming message; retried while SMTP fails."""
    from .replies import send

    try:
        return send(inbound_id, kind)
    except OSError as exc:
        if self.request.is_eager:
            logger.warning("Answer %s to incoming email %s not sent: %s", kind, inbound_id, exc)
            return None
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from None
