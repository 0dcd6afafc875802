"""A ticket's service level clocks, computed from its history.

Nothing is counted along the way: the ticket's creation, its status and priority events
and its first public staff reply say everything. Replaying them against the policy (the
targets and the business calendar) gives, for each clock, the time spent, the due moment,
and whether and when it breached. So a corrected calendar or target applies to old
tickets as soon as their clocks are computed again.

Rules:
- First response runs from the ticket's creation to the first public staff reply. It never
  pauses.
- Resolution runs while the ticket waits on staff; it pauses while it waits on the customer
  (Answered, On Hold) and stops when the ticket is closed (a reopened ticket runs on).
- A priority change measures the time already spent against the new priority's target. The
  time spent before the change was counted under the old target's calendar.
- A breach stays a breach: once a clock passed its target, a later change (a lower
  priority, a reply) does not make it met again.
- The department is the ticket's current one (a move applies the new department's targets
  to the whole ticket).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tickets.models import Message, Ticket, TicketEvent

from .policy import current_policy

PAUSED_STATUSES = frozenset({Ticket.Status.ANSWERED, Ticket.Status.ON_HOLD})
CLOSED = Ticket.Status.CLOSED


@dataclass
class Clock:
    """One clock of one ticket, as of `now`."""

    target_seconds: int
    spent_seconds: float
    # When the target is (or was) reached if the clock keeps running; None while paused
    # or stopped.
    due_at: datetime | None
    # The moment it stopped (first response given, ticket closed); None while it runs.
    stopped_at: datetime | None
    paused: bool
    breached_at: datetime | None

    @property
    def breached(self):
        return self.breached_at is not None

    @property
    def running(self):
        return self.stopped_at is None and not self.paused

    @property
    def met(self):
        """True or False once stopped; None while it still runs or is paused."""
        if self.breached:
            return False
        return True if self.stopped_at is not None else None


@dataclass
class TicketClocks:
    first_response: Clock | None
    resolution: Clock | None
    reopens: int = 0

    @property
    def next_due_at(self):
        dues = [
            clock.due_at
            for clock in (self.first_response, self.resolution)
            if clock is not None and clock.running and clock.due_at is not None
        ]
        return min(dues) if dues else None


def _timeline(ticket, events):
    """(moment, status, priority) from the creation on: the state after each change."""
    priority_events = [e for e in events if e.field == TicketEvent.Field.PRIORITY]
    status = Ticket.Status.OPEN
    priority = priority_events[0].old_value if priority_events else ticket.priority
    if priority not in Ticket.Priority.values:
        priority = ticket.priority
    points = [(ticket.created_at, status, priority)]
    for event in sorted(events, key=lambda e: (e.created_at, e.pk or 0)):
        if event.field == TicketEvent.Field.STATUS and event.new_value in Ticket.Status.values:
            status = event.new_value
        elif (
            event.field == TicketEvent.Field.PRIORITY and event.new_value in Ticket.Priority.values
        ):
            priority = event.new_value
        else:
            continue
        points.append((max(event.created_at, ticket.created_at), status, priority))
    return points


def _run(policy, department_id, points, *, end, now, counts):
    """Replay the segments between `points` up to `end` (or `now`), counting working time
    while `counts(status)`. Returns a Clock, or None without a target."""
    spent = 0.0
    breached_at = None
    rule = None
    limit = end or now
    for index, (start, status, priority) in enumerate(points):
        if start >= limit:
            break
        finish = points[index + 1][0] if index + 1 < len(points) else limit
        finish = min(finish, limit)
        rule = policy.target(department_id, priority)
        if rule is None or not counts(status):
            continue
        target = counts.target(rule)
        calendar = policy.calendar_for(rule)
        if breached_at is None and spent > target:
            # A tighter target after a priority change: already past it.
            breached_at = start
        work = calendar.working_seconds(start, finish)
        if breached_at is None and spent + work > target:
            breached_at = calendar.add(start, target - spent)
        spent += work

    # The state at the end of the replay.
    before = [point for point in points if point[0] <= limit] or points[:1]
    last_start, last_status, last_priority = before[-1]
    rule = policy.target(department_id, last_priority)
    if rule is None:
        return None
    target = counts.target(rule)
    if end is not None:
        return Clock(target, spent, None, end, False, breached_at)
    if not counts(last_status):
        return Clock(target, spent, None, None, True, breached_at)
    if breached_at is None and spent > target:
        # Running again (a resume, a tighter target) with the target already spent.
        breached_at = max(last_start, points[0][0])
    if breached_at is not None:
        due_at = breached_at
    else:
        calendar = policy.calendar_for(rule)
        # Spent up to `now`; the rest of the target from `now` on.
        due_at = calendar.add(now, max(target - spent, 0.0))
    return Clock(target, spent, due_at, None, False, breached_at)


class _FirstResponse:
    # It never pauses; a ticket closed without any reply has nothing left to answer.
    def __call__(self, status):
        return status != CLOSED

    @staticmethod
    def target(rule):
        return rule.first_response_seconds


class _Resolution:
    def __call__(self, status):
        return status not in PAUSED_STATUSES and status != CLOSED

    @staticmethod
    def target(rule):
        return rule.resolution_seconds


def compute(ticket, *, events, first_reply_at, now=None, policy=None):
    """The clocks of `ticket` from its `events` (status and priority changes) and the
    moment of its first public staff reply (or None)."""
    now = now or timezone.now()
    policy = policy or current_policy()
    points = _timeline(ticket, events)
    first = _run(
        policy, ticket.department_id, points, end=first_reply_at, now=now, counts=_FirstResponse()
    )
    # Resolution ends at the last close, unless the ticket is open again now.
    closed_at = None
    if points[-1][1] == CLOSED:
        for start, status, _p in reversed(points):
            if status != CLOSED:
                break
            closed_at = start
    resolution = _run(
        policy, ticket.department_id, points, end=closed_at, now=now, counts=_Resolution()
    )
    reopens = sum(
        1
        for before, after in zip(points, points[1:], strict=False)
        if before[1] == CLOSED and after[1] != CLOSED
    )
    return TicketClocks(first_response=first, resolution=resolution, reopens=reopens)


def clocks_for(ticket, *, now=None):
    """The clocks of one ticket, read from the database (two queries)."""
    events = list(
        TicketEvent.objects.filter(
            ticket=ticket, field__in=[TicketEvent.Field.STATUS, TicketEvent.Field.PRIORITY]
        ).only("field", "new_value", "old_value", "created_at")
    )
    first_reply_at = (
        Message.objects.filter(ticket=ticket, is_staff_reply=True, is_internal=False)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return compute(ticket, events=events, first_reply_at=first_reply_at, now=now)
