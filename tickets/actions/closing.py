"""Closing tickets: by the customer, by staff, and the auto-close pass."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Ticket
from . import transitions


def close_ticket(*, ticket: Ticket, by, automatic: bool = False) -> Ticket:
    """Close a ticket (the customer can reopen it by replying). `automatic`: the auto-close
    pass, which emails the customer. Closing a closed ticket changes nothing."""
    event = transitions.Event.AUTO_CLOSE if automatic else transitions.Event.CLOSE
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        if locked.status == Ticket.Status.CLOSED:
            return locked
        changed = transitions.apply(locked, event, at=timezone.now(), actor=by)
        locked.save(update_fields=[*changed, "updated_at"])
        transitions.notify(locked, event)
    ticket.refresh_from_db()
    return locked


def autoclose_stale_tickets(*, limit: int = 500) -> list[str]:
    """Close tickets that stayed "Answered" with no customer reply (and no other change) for
    TICKET_AUTOCLOSE_HOURS, and email each customer. Returns the numbers closed.

    0 hours turns auto-close off. Each ticket is checked again under its row lock, so a
    customer reply that arrives during the pass keeps its ticket open. At most `limit`
    tickets a pass: the next pass takes the rest.
    """
    hours = settings.TICKET_AUTOCLOSE_HOURS
    if hours <= 0:
        return []
    cutoff = timezone.now() - timedelta(hours=hours)
    stale = Ticket.objects.filter(
        status=Ticket.Status.ANSWERED, last_reply_at__lt=cutoff, updated_at__lt=cutoff
    )
    closed = []
    for pk in stale.order_by("last_reply_at", "pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            ticket = stale.select_for_update(of=("self",)).filter(pk=pk).first()
            if ticket is None:
                continue
            # No actor: the event line reads as closed automatically.
            close_ticket(ticket=ticket, by=None, automatic=True)
            closed.append(ticket.number)
    return closed
