"""Posting an incident update into every linked ticket, in batches.

Each batch is one transaction: the replies (tickets.actions.add_staff_replies: each ticket
as add_reply would leave it, each customer's email in the outbox, in a constant number of
queries per batch), and one BroadcastDelivery row per ticket. The delivery
rows are unique per (update, ticket), so a batch that is run again (its worker was killed
and the task handed to another) skips the tickets it already wrote to: no second reply, no
second email. A batch that died before its commit left nothing behind and is simply done
again.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets import access, actions
from tickets.models import Ticket

from .models import BroadcastDelivery, IncidentEvent, IncidentUpdate

logger = logging.getLogger(__name__)


def targets(update):
    """The tickets the update still has to reach: linked to its incident, not closed, in
    the departments its author handles (superusers: all), not reached yet, not the author's
    own (their post there would not be a staff reply)."""
    tickets = Ticket.objects.filter(incident_links__incident=update.incident_id).exclude(
        status=Ticket.Status.CLOSED
    )
    tickets = tickets.filter(access.staff_ticket_filter(update.author)).exclude(
        customer=update.author_id
    )
    done = BroadcastDelivery.objects.filter(update=update).values("ticket_id")
    return tickets.exclude(pk__in=done)


def reply_text(update, customer):
    """The update in the customer's language."""
    if (customer.language or "").startswith("id") and update.body_id.strip():
        return update.body_id
    return update.body


def run_batch(update_id, *, size=None):
    """Write the update into the next `size` tickets. Returns how many were written while
    more may remain, or None once the update has reached every ticket (or is gone)."""
    size = size or settings.NETWORK_BROADCAST_BATCH
    with transaction.atomic():
        # One batch of an update at a time: a second task for the same update waits here,
        # then finds the tickets done.
        update = (
            IncidentUpdate.objects.select_for_update(of=("self",))
            .select_related("author", "incident")
            .filter(pk=update_id, broadcast=True, broadcast_finished_at__isnull=True)
            .first()
        )
        if update is None or update.author is None:
            return None
        batch = list(targets(update).order_by("pk").values_list("pk", flat=True)[:size])
        messages = actions.add_staff_replies(
            ticket_ids=batch,
            author=update.author,
            body=lambda ticket: reply_text(update, ticket.customer),
            new_status=Ticket.Status.CLOSED if update.closes_tickets else None,
        )
        BroadcastDelivery.objects.bulk_create(
            BroadcastDelivery(update=update, ticket_id=pk, message=message)
            for pk, message in messages.items()
        )
        if len(batch) < size:
            update.broadcast_finished_at = timezone.now()
            update.save(update_fields=["broadcast_finished_at"])
            count = BroadcastDelivery.objects.filter(update=update).count()
            IncidentEvent.objects.create(
                incident=update.incident,
                actor=update.author,
                action=IncidentEvent.Action.BROADCAST_DONE,
                detail=f"{count}",
            )
            logger.info("Update %s posted to %d linked ticket(s)", update_id, count)
            return None
    return len(batch)
