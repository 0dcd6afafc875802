"""Keeping the stored clocks in step: every action saves its ticket (or, changing many at
once, sends tickets_changed), so after each commit that saved one, its clocks are
recomputed by a task (the request does not wait for it;
the periodic pass catches any refresh that was lost). Tickets saved by a Celery worker's
task are gathered and handed over in one task when that task ends, each ticket once (a
worker processing a chunk of incoming email saves many, often the same one again). A
policy edit clears the cached policy and recomputes the clocks of the active tickets."""

import logging
import threading
import time

from celery.signals import task_postrun, task_prerun
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
    transaction.on_commit(lambda ticket_id=instance.pk: _refresh_later(ticket_id))


# The tickets saved by the task this thread runs, while a worker runs one.
_running = threading.local()


def _refresh_later(ticket_id):
    gathered = getattr(_running, "ticket_ids", None)
    if gathered is not None:
        gathered.add(ticket_id)
        return
    from .tasks import refresh_ticket

    _enqueue(refresh_ticket, ticket_id)


@task_prerun.connect(dispatch_uid="sla-gather-refreshes")
def gather_refreshes(task=None, **kwargs):
    """A worker starts a task: the tickets it saves wait for its end. (A task run in the
    caller's process, with no broker, hands each over at once, as a request does.)"""
    if task is not None and not task.request.is_eager:
        _running.ticket_ids = set()


@task_postrun.connect(dispatch_uid="sla-hand-over-refreshes")
def hand_over_refreshes(task=None, **kwargs):
    """The task ended (whatever its outcome): one refresh for the tickets it saved."""
    if task is not None and task.request.is_eager:
        return
    gathered = getattr(_running, "ticket_ids", None)
    _running.ticket_ids = None
    if not gathered:
        return
    _refresh_together(sorted(gathered))


def _refresh_together(ticket_ids):
    from .tasks import BATCH, refresh_tickets

    for start in range(0, len(ticket_ids), BATCH):
        _enqueue(refresh_tickets, ticket_ids[start : start + BATCH])


@receiver(tickets_changed, dispatch_uid="sla-tickets-changed")
def tickets_saved(sender, ticket_ids, **kwargs):
    """Many tickets changed in one UPDATE: one task recomputes all of them (in a worker's
    task, with the others that task saved)."""
    ids = sorted(ticket_ids)

    def refresh():
        gathered = getattr(_running, "ticket_ids", None)
        if gathered is not None:
            gathered.update(ids)
        else:
            _refresh_together(ids)

    transaction.on_commit(refresh)


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
