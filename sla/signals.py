"""Keeping the stored clocks in step: every action saves its ticket (or, changing many at
once, sends tickets_changed), so after each commit that saved one, its clocks are
recomputed by a task (the request does not wait for it;
the periodic pass catches any refresh that was lost). A policy edit clears the cached
policy and recomputes the clocks of the active tickets."""

import logging
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from notifications import tasks as outbox_tasks
from tickets.models import Ticket
from tickets.signals import tickets_changed

from .models import BusinessCalendar, ExtraHoliday, Target
from .policy import forget_policy

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Ticket, dispatch_uid="sla-ticket-saved")
def ticket_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .tasks import refresh_ticket

    ticket_id = instance.pk
    transaction.on_commit(lambda: _enqueue(refresh_ticket, ticket_id))


@receiver(tickets_changed, dispatch_uid="sla-tickets-changed")
def tickets_saved(sender, ticket_ids, **kwargs):
    """Many tickets changed in one UPDATE: one task recomputes all of them."""
    from .tasks import refresh_tickets

    ids = list(ticket_ids)
    transaction.on_commit(lambda: _enqueue(refresh_tickets, ids))


def _enqueue(task, *args):
    """Publish the task; never raises, never waits on a broker known to be down.

    It shares the outbox's pause after a failed publish (notifications.tasks): a request
    makes one connection attempt at most, and the periodic pass recomputes the tickets
    changed while the broker was away."""
    if time.monotonic() < outbox_tasks._broker_paused_until:
        return
    try:
        task.apply_async(args=args, retry=False)
    except Exception:
        outbox_tasks._broker_paused_until = time.monotonic() + outbox_tasks.BROKER_PAUSE_SECONDS
        logger.warning("Could not enqueue %s%s", task.name, args, exc_info=True)


@receiver(post_save, sender=BusinessCalendar, dispatch_uid="sla-calendar-saved")
@receiver(post_delete, sender=BusinessCalendar, dispatch_uid="sla-calendar-deleted")
@receiver(post_save, sender=ExtraHoliday, dispatch_uid="sla-holiday-saved")
@receiver(post_delete, sender=ExtraHoliday, dispatch_uid="sla-holiday-deleted")
@receiver(post_save, sender=Target, dispatch_uid="sla-target-saved")
@receiver(post_delete, sender=Target, dispatch_uid="sla-target-deleted")
def policy_changed(sender, **kwargs):
    from .tasks import refresh_active

    forget_policy()
    transaction.on_commit(lambda: (forget_policy(), _enqueue(refresh_active)))
