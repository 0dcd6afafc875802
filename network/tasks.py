"""Celery tasks of the network status: thin, they call network/broadcast.py."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .broadcast import run_batch
from .models import IncidentUpdate

logger = logging.getLogger(__name__)


def start_broadcast(update_id):
    """Hand a broadcast to the workers; never raises. If the broker is down, the periodic
    resume_broadcasts pass starts it later."""
    try:
        broadcast_update.apply_async(args=[update_id], retry=False)
    except Exception:
        logger.warning("Could not enqueue broadcast %s; it is resumed later", update_id)


@shared_task(acks_late=True, ignore_result=True)
def broadcast_update(update_id):
    """One batch of the update's replies, then the next batch as a task of its own (a
    worker killed in the middle loses at most one uncommitted batch, done again)."""
    written = run_batch(update_id)
    if written:
        broadcast_update.apply_async(args=[update_id], retry=False)


@shared_task(ignore_result=True)
def resume_broadcasts():
    """Start again the broadcasts that are not finished long after they were posted (the
    broker was down when they were posted, or their task was lost). Running one twice is
    harmless: each ticket gets the update once."""
    cutoff = timezone.now() - timedelta(seconds=settings.NETWORK_BROADCAST_RESUME_AFTER)
    ids = list(
        IncidentUpdate.objects.filter(
            broadcast=True, broadcast_finished_at__isnull=True, created_at__lte=cutoff
        ).values_list("pk", flat=True)[:100]
    )
    for update_id in ids:
        start_broadcast(update_id)
    return len(ids)
