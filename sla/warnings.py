"""Breach warnings: 30 minutes (SLA_WARNING_MINUTES) before a clock breaches and at the
breach, each once, to the assignee (or the department's staff while nobody is assigned),
through the outbox."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from tickets import access
from tickets.models import ACTIVE_STATUSES, Ticket

from . import notify, store
from .models import BreachWarning, TicketClock

# Clocks looked at in one pass at most (the soonest first); the next pass takes the rest.
LIMIT = 500


def recipients(ticket):
    if ticket.assignee_id and ticket.assignee.is_active:
        return [ticket.assignee]
    return list(access.handlers_of(ticket.department_id))


def _stage(due_at, now, lead):
    if due_at is None:
        return None
    if now >= due_at:
        return BreachWarning.Stage.BREACHED
    if due_at - now <= lead:
        return BreachWarning.Stage.SOON
    return None


def warn_due(*, now):
    """Warn about every running clock due within the warning time. Returns the number of
    warnings written. The truth is recomputed from history first: the stored due moment
    only picks the candidates."""
    lead = timedelta(minutes=settings.SLA_WARNING_MINUTES)
    candidates = list(
        TicketClock.objects.filter(
            next_due_at__isnull=False,
            next_due_at__lte=now + lead,
            ticket__status__in=ACTIVE_STATUSES,
        )
        .order_by("next_due_at")
        .values_list("ticket_id", flat=True)[:LIMIT]
    )
    if not candidates:
        return 0
    clocks_by_id = store.refresh(candidates, now=now)
    tickets = {
        t.pk: t
        for t in Ticket.objects.filter(pk__in=candidates).select_related("assignee", "department")
    }
    sent = 0
    for ticket_id, clocks in clocks_by_id.items():
        ticket = tickets[ticket_id]
        for name, clock in (
            (BreachWarning.Clock.FIRST_RESPONSE, clocks.first_response),
            (BreachWarning.Clock.RESOLUTION, clocks.resolution),
        ):
            if clock is None or not clock.running:
                continue
            stage = _stage(clock.due_at, now, lead)
            if stage is None:
                continue
            sent += _warn(ticket, name, stage, clock.due_at)
    return sent


def _warn(ticket, clock, stage, due_at):
    try:
        with transaction.atomic():
            BreachWarning.objects.create(ticket=ticket, clock=clock, stage=stage, due_at=due_at)
            notify.breach_warning(
                ticket=ticket,
                clock=clock,
                stage=stage,
                due_at=due_at,
                recipients=recipients(ticket),
            )
    except IntegrityError:
        # Sent before, by an earlier pass.
        return 0
    return 1
