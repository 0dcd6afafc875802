"""Writing what is derived from a ticket's clocks: the queue's sort key and display
(TicketClock) and the report figures (TicketStat). Both are recomputed from history, so
running this twice, late or after a policy change is always right."""

from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from tickets.models import ACTIVE_STATUSES, Message, Ticket, TicketEvent

from . import rollups
from .clock import compute
from .models import TicketClock, TicketStat
from .policy import TargetRule, current_policy

# Tickets without a target still have report times: measured in business hours.
UNLIMITED = 2**31


class _Measuring:
    """The policy, with a target for every department and priority that none can miss."""

    def __init__(self, policy):
        self.policy = policy
        self.rule = TargetRule(UNLIMITED, UNLIMITED, True)

    def target(self, department_id, priority):
        return self.policy.target(department_id, priority) or self.rule

    def calendar_for(self, rule):
        return self.policy.calendar_for(rule)


CLOCK_FIELDS = [TicketEvent.Field.STATUS, TicketEvent.Field.PRIORITY]


def _histories(ticket_ids):
    """Events, first public staff reply and public staff reply count of many tickets, in
    two queries."""
    events = {pk: [] for pk in ticket_ids}
    for event in TicketEvent.objects.filter(ticket__in=ticket_ids, field__in=CLOCK_FIELDS).only(
        "ticket_id", "field", "old_value", "new_value", "created_at"
    ):
        events[event.ticket_id].append(event)
    replies = {
        row["ticket"]: row
        for row in Message.objects.filter(
            ticket__in=ticket_ids, is_staff_reply=True, is_internal=False
        )
        .order_by()
        .values("ticket")
        .annotate(first=Min("created_at"), count=Count("pk"))
    }
    return events, replies


def refresh(ticket_ids, *, now=None, roll_up=True):
    """Recompute and store the clocks and figures of these tickets, and the daily rollups
    of the days they touch (unless `roll_up` is off: a rebuild of everything follows), in
    one transaction. A ticket whose figures came out as they were (a customer's reply, most
    often) touches no day: its days' rows are already right. Returns the tickets' TicketClocks
    by id (for callers that act on them, like the breach warnings)."""
    now = now or timezone.now()
    ticket_ids = list(ticket_ids)
    with transaction.atomic():
        before = (
            {
                row[0]: row[1:]
                for row in TicketStat.objects.filter(pk__in=ticket_ids).values_list(
                    "ticket_id", *rollups.COLUMNS
                )
            }
            if roll_up
            else {}
        )
        # In the order of their ids, so that refreshes of overlapping tickets lock the rows
        # in the same order.
        tickets = list(
            Ticket.objects.filter(pk__in=ticket_ids)
            .only(
                "pk",
                "created_at",
                "priority",
                "department_id",
                "assignee_id",
                "status",
                "closed_at",
            )
            .order_by("pk")
        )
        events, replies = _histories([t.pk for t in tickets])
        policy = current_policy()
        measuring = _Measuring(policy)
        clocks_by_id = {}
        clock_rows, stat_rows = [], []
        for ticket in tickets:
            reply = replies.get(ticket.pk, {})
            history = {
                "events": events[ticket.pk],
                "first_reply_at": reply.get("first"),
                "now": now,
            }
            clocks = compute(ticket, policy=policy, **history)
            clocks_by_id[ticket.pk] = clocks
            clock_rows.append(_clock_row(ticket, clocks, now))
            if clocks.first_response is None or clocks.resolution is None:
                measured = compute(ticket, policy=measuring, **history)
            else:
                measured = clocks
            stat_rows.append(_stat_row(ticket, clocks, measured, reply.get("count", 0), now))
        TicketClock.objects.bulk_create(
            clock_rows,
            update_conflicts=True,
            unique_fields=["ticket"],
            update_fields=[f.name for f in TicketClock._meta.fields if f.name != "ticket"],
        )
        TicketStat.objects.bulk_create(
            stat_rows,
            update_conflicts=True,
            unique_fields=["ticket"],
            update_fields=[f.name for f in TicketStat._meta.fields if f.name != "ticket"],
        )
        if roll_up:
            touched = []
            for row in stat_rows:
                after = tuple(getattr(row, column) for column in rollups.COLUMNS)
                old = before.get(row.ticket_id)
                if old != after:
                    touched.append((row.opened_at, row.closed_at))
                    if old is not None:
                        touched.append(old[:2])
            rollups.roll_up(rollups.days_of(touched))
    return clocks_by_id


def _clock_row(ticket, clocks, now):
    first, resolution = clocks.first_response, clocks.resolution
    return TicketClock(
        ticket=ticket,
        first_response_due_at=first.due_at or first.breached_at if first else None,
        first_response_at=first.stopped_at if first else None,
        first_response_breached=bool(first and first.breached),
        resolution_due_at=resolution.due_at if resolution else None,
        resolution_paused=bool(resolution and resolution.paused),
        resolution_breached=bool(resolution and resolution.breached),
        next_due_at=clocks.next_due_at if ticket.status in ACTIVE_STATUSES else None,
        computed_at=now,
    )


def _stat_row(ticket, clocks, measured, staff_replies, now):
    """`clocks` against the targets (None without one); `measured` always has times."""
    first, resolution = measured.first_response, measured.resolution
    closed = ticket.status == Ticket.Status.CLOSED
    answered = first.stopped_at is not None
    targeted = clocks.first_response is not None and clocks.resolution is not None
    sla_met = None
    if closed and targeted:
        sla_met = not clocks.first_response.breached and not clocks.resolution.breached
    return TicketStat(
        ticket=ticket,
        department_id=ticket.department_id,
        priority=ticket.priority,
        assignee_id=ticket.assignee_id,
        opened_at=ticket.created_at,
        closed_at=ticket.closed_at if closed else None,
        first_response_seconds=round(first.spent_seconds) if answered else None,
        resolution_seconds=round(resolution.spent_seconds) if closed else None,
        first_response_met=clocks.first_response.met
        if answered and clocks.first_response
        else None,
        sla_met=sla_met,
        reopens=min(clocks.reopens, 32767),
        staff_replies=min(staff_replies, 32767),
        computed_at=now,
    )


def stale_ticket_ids(since, *, limit):
    """Tickets changed since `since` whose stored clocks are older than the change (or
    missing): the ones whose refresh after the change did not run (a broker outage)."""
    fresh = Q(sla_clock__computed_at__gte=F("updated_at"))
    return list(
        Ticket.objects.filter(updated_at__gte=since)
        .exclude(fresh)
        .order_by("updated_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
