"""Reads of the staff pages that involve the service level clocks."""

from django.db.models import F

from tickets.staff.queries import QUEUE_ORDER


def due_soonest(tickets):
    """A queue in "due soonest" order: the earliest due moment of a running clock first
    (overdue tickets on top), then the tickets without a running clock in queue order.

    The order uses the due moment stored after each change of the ticket
    (TicketClock.next_due_at): between two changes a due moment does not move, so the
    stored value is exact once the refresh has run. Computing it from history for every
    ticket of a queue would replay thousands of histories per page; the active tickets of a
    department are a few thousand at most, so sorting them on a joined column stays cheap
    however many closed tickets the table holds."""
    return tickets.order_by(F("sla_clock__next_due_at").asc(nulls_last=True), *QUEUE_ORDER)
