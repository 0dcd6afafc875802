"""Every status transition of a ticket, in one place.

What each event does to a ticket's status, `waiting_since`, `closed_at` and `last_reply_*`
is the pure function `next_state`; `apply` puts its result on the ticket, writes the status
event line and returns the fields to save (`apply_each`: the same for many tickets, one
INSERT of event lines). Every action goes through them, so a rule changes here or nowhere.
The email each event sends is named in EMAILS and written by `notify` / `notify_each`
(recipients: tickets.access).

The rules:
- The customer waits from their first post that staff have not answered (`waiting_since`):
  a customer post sets it when unset; a public staff reply and closing clear it. Internal
  notes and field changes leave it alone, except that closing always clears it.
- `closed_at` is set exactly while the status is Closed.
- `last_reply_*` follow the public posts (the customer's and staff replies), never notes.
- A customer post always makes the status Customer-Reply (reopening a closed ticket); a
  staff reply makes it Answered unless the staff member chose another status; an internal
  note or a field change sets only the status chosen.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from ..emails import TicketEmail
from ..models import Ticket, TicketEvent

Status = Ticket.Status


class Event(enum.StrEnum):
    OPENED = "opened"
    CUSTOMER_POST = "customer_post"
    STAFF_REPLY = "staff_reply"
    INTERNAL_NOTE = "internal_note"
    STATUS_CHANGE = "status_change"
    CLOSE = "close"
    AUTO_CLOSE = "auto_close"


# Who is emailed for each event: (email kind, audience). "customer" is the ticket's
# customer; "staff" the assignee or department (tickets.access decides).
EMAILS: dict[Event, list[tuple[str, str]]] = {
    Event.OPENED: [
        (TicketEmail.TICKET_OPENED, "customer"),
        (TicketEmail.STAFF_NEW_TICKET, "staff"),
    ],
    Event.CUSTOMER_POST: [(TicketEmail.CUSTOMER_REPLY, "staff")],
    Event.STAFF_REPLY: [(TicketEmail.STAFF_REPLY, "customer")],
    Event.AUTO_CLOSE: [(TicketEmail.TICKET_CLOSED, "customer")],
}


@dataclass(frozen=True)
class State:
    """The part of a ticket that transitions change."""

    status: str
    waiting_since: datetime | None
    closed_at: datetime | None
    last_reply_at: datetime | None
    last_reply_by_id: int | None

    @classmethod
    def of(cls, ticket: Ticket) -> State:
        return cls(
            ticket.status,
            ticket.waiting_since,
            ticket.closed_at,
            ticket.last_reply_at,
            ticket.last_reply_by_id,
        )


class InvalidTransition(ValueError):
    pass


def next_state(
    state: State, event: Event, *, at: datetime, actor_id: int | None, status: str | None = None
) -> State:
    """The state after `event` happened at `at`, by `actor_id`; `status` is the status
    staff chose (a reply's, a note's or a field change's), if any."""
    if status is not None and status not in Status.values:
        raise InvalidTransition(f"Unknown status {status!r}.")
    if event == Event.OPENED:
        new = State(Status.OPEN, at, None, at, actor_id)
    elif event == Event.CUSTOMER_POST:
        if status is not None:
            raise InvalidTransition("A customer's post sets its own status.")
        new = replace(
            state,
            status=Status.CUSTOMER_REPLY,
            waiting_since=state.waiting_since or at,
            last_reply_at=at,
            last_reply_by_id=actor_id,
        )
    elif event == Event.STAFF_REPLY:
        new = replace(
            state,
            status=status or Status.ANSWERED,
            waiting_since=None,
            last_reply_at=at,
            last_reply_by_id=actor_id,
        )
    elif event in (Event.INTERNAL_NOTE, Event.STATUS_CHANGE):
        if event == Event.STATUS_CHANGE and status is None:
            raise InvalidTransition("A status change names the new status.")
        new = replace(state, status=status or state.status)
    elif event in (Event.CLOSE, Event.AUTO_CLOSE):
        if status not in (None, Status.CLOSED):
            raise InvalidTransition("Closing sets the status Closed.")
        new = replace(state, status=Status.CLOSED)
    else:  # pragma: no cover - the enum is closed
        raise InvalidTransition(f"Unknown event {event!r}.")
    # Rules that hold whatever the event: a closed ticket keeps no wait, and `closed_at`
    # is set exactly while the status is Closed (kept when it already was).
    if new.status == Status.CLOSED:
        closed_at = state.closed_at if state.status == Status.CLOSED else at
        new = replace(new, waiting_since=None, closed_at=closed_at or at)
    else:
        new = replace(new, closed_at=None)
    return new


FIELDS = {
    "status": "status",
    "waiting_since": "waiting_since",
    "closed_at": "closed_at",
    "last_reply_at": "last_reply_at",
    "last_reply_by_id": "last_reply_by",
}


def _move(ticket: Ticket, event: Event, *, at: datetime, actor, status: str | None):
    """Put the state after `event` on `ticket`; returns the changed fields and the status
    event line to write (unsaved), or None when the status stayed."""
    before = State.of(ticket)
    after = next_state(before, event, at=at, actor_id=getattr(actor, "pk", None), status=status)
    changed = []
    for attribute, field in FIELDS.items():
        if getattr(before, attribute) != getattr(after, attribute):
            setattr(ticket, attribute, getattr(after, attribute))
            changed.append(field)
    line = None
    if before.status != after.status and event != Event.OPENED:
        line = TicketEvent(
            ticket=ticket,
            actor=actor,
            field=TicketEvent.Field.STATUS,
            old_value=before.status,
            new_value=after.status,
        )
    return changed, line


def _closed(tickets) -> None:
    """Tell the listeners of tickets that a status line just closed (the satisfaction
    survey of sla/), in the caller's transaction: their rows are written with the close,
    or not at all."""
    from ..signals import ticket_closed

    for ticket in tickets:
        ticket_closed.send(sender=Ticket, ticket=ticket)


def apply(
    ticket: Ticket,
    event: Event,
    *,
    at: datetime,
    actor=None,
    status: str | None = None,
) -> list[str]:
    """Put the state after `event` on `ticket` (locked by the caller), record a status
    change as an event line, and return the names of the fields to save."""
    changed, line = _move(ticket, event, at=at, actor=actor, status=status)
    if line is not None:
        line.save()
        if line.new_value == Status.CLOSED:
            _closed([ticket])
    return changed


def apply_each(
    tickets: list[Ticket],
    event: Event,
    *,
    at: datetime,
    actor=None,
    status: str | None = None,
) -> dict[int, list[str]]:
    """apply() to many tickets (locked by the caller) for one event at one moment: the same
    rules ticket by ticket, their status event lines in one INSERT. Returns the names of
    the fields to save, by ticket id."""
    changed, lines = {}, []
    for ticket in tickets:
        changed[ticket.pk], line = _move(ticket, event, at=at, actor=actor, status=status)
        if line is not None:
            lines.append(line)
    if lines:
        TicketEvent.objects.bulk_create(lines)
        _closed([line.ticket for line in lines if line.new_value == Status.CLOSED])
    return changed


def _recipients(ticket: Ticket, event: Event, exclude=None) -> dict:
    from .. import access

    recipients = {}
    for kind, audience in EMAILS.get(event, []):
        if audience == "customer":
            users = [ticket.customer]
        elif kind == TicketEmail.CUSTOMER_REPLY:
            users = access.customer_reply_recipients(ticket)
        else:
            users = access.department_staff_wanting(ticket.department_id, kind)
        recipients[kind] = access.without(users, exclude) if exclude else users
    return recipients


def notify(ticket: Ticket, event: Event, *, message=None, exclude=None) -> None:
    """Queue the emails of `event` in the caller's transaction (one INSERT)."""
    from notifications.outbox import queue_events

    recipients = _recipients(ticket, event, exclude)
    if recipients:
        queue_events(recipients, ticket=ticket, message=message)


def notify_each(events: list[tuple[Ticket, object]], event: Event) -> None:
    """notify() for `event` in many tickets, each with its message: one INSERT for all.
    (A customer audience costs no query; a staff audience is read ticket by ticket.)"""
    from notifications.outbox import queue_each

    queue_each(
        {"recipients_by_kind": recipients, "ticket": ticket, "message": message}
        for ticket, message in events
        if (recipients := _recipients(ticket, event))
    )
