"""Celery tasks of the service levels: thin, the work is in store.py and warnings.py."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from tickets.models import ACTIVE_STATUSES, Ticket

from . import store, warnings

logger = logging.getLogger(__name__)

# How far back the periodic pass looks for tickets whose refresh was lost.
CATCH_UP_WINDOW = timedelta(hours=6)
BATCH = 500


@shared_task(ignore_result=True)
def refresh_ticket(ticket_id):
    store.refresh([ticket_id])


@shared_task(ignore_result=True)
def refresh_tickets(ticket_ids):
    """The tickets of one action that changed many (tickets.signals.tickets_changed), or
    that a worker's task saved (sla.signals gathers them)."""
    for start in range(0, len(ticket_ids), BATCH):
        store.refresh(ticket_ids[start : start + BATCH])


@shared_task(ignore_result=True)
def refresh_active():
    """Recompute the clocks of every active ticket (after a calendar or target change)."""
    ids = list(
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        store.refresh(ids[start : start + BATCH])
    return len(ids)


@shared_task(ignore_result=True)
def service_level_pass():
    """Beat, every minute: catch up on lost refreshes, then warn about clocks that breach
    within the warning time or have breached."""
    now = timezone.now()
    stale = store.stale_ticket_ids(now - CATCH_UP_WINDOW, limit=BATCH)
    if stale:
        store.refresh(stale, now=now)
    sent = warnings.warn_due(now=now)
    if sent:
        logger.info("Sent %d service level warning(s)", sent)
    return sent
