"""Posting to a ticket's thread: a customer's reply, a staff reply, an internal note; the
same staff reply in many tickets at once (an incident update broadcast to linked tickets)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from .. import signals, throttle
from ..models import Message, Ticket
from . import transitions
from .files import save_attachments
from .submission import run_once


def add_reply(
    *,
    ticket: Ticket,
    author,
    body: str,
    files: Sequence = (),
    internal: bool = False,
    new_status: str | None = None,
    submission_token: UUID | None = None,
    enforce_limits: bool = False,
) -> Message:
    """Add a post to the thread, in one transaction with its files, status and emails.

    A post by the ticket's customer is a customer reply; any other author's is a staff
    reply (emailed to the customer) or, with `internal`, an internal note (never shown or
    emailed to the customer). What each does to the ticket: tickets.actions.transitions.
    With `enforce_limits` a customer's post is checked against their flood limits under
    their row lock (taken before the ticket's); over them, RateLimited is raised.
    """
    is_staff_reply = author.pk != ticket.customer_id
    if internal and not is_staff_reply:
        raise ValueError("Only staff write internal notes.")
    if new_status and not is_staff_reply:
        raise ValueError("A customer's reply sets its own status.")
    if internal:
        event = transitions.Event.INTERNAL_NOTE
    elif is_staff_reply:
        event = transitions.Event.STAFF_REPLY
    else:
        event = transitions.Event.CUSTOMER_POST

    changed: list[str] = []

    def work(stored: list) -> Message:
        with transaction.atomic():
            if enforce_limits and not is_staff_reply:
                refusal = throttle.check_reply(author, ticket, submission_token, lock=True)
                if refusal:
                    raise throttle.RateLimited(refusal)
            # Lock the ticket: concurrent posts are serialised, none is lost.
            locked = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
            message = Message.objects.create(
                ticket=locked,
                author=author,
                body=body,
                is_staff_reply=is_staff_reply,
                is_internal=internal,
                submission_token=submission_token,
            )
            save_attachments(message, files, stored)
            changed[:] = transitions.apply(
                locked, event, at=message.created_at, actor=author, status=new_status or None
            )
            locked.save(update_fields=[*changed, "updated_at"])
            # The assignee is read for the recipients only when needed.
            transitions.notify(locked, event, message=message)
            # The caller's ticket gets the values just saved, without reading the row again.
            for name in [*changed, "updated_at"]:
                attname = Ticket._meta.get_field(name).attname
                setattr(ticket, attname, getattr(locked, attname))
            return message

    return run_once(
        work,
        token=submission_token,
        first=lambda token: ticket.messages.filter(submission_token=token).first(),
    )


def add_staff_replies(
    *,
    ticket_ids: Iterable[int],
    author,
    body: Callable[[Ticket], str],
    new_status: str | None = None,
) -> dict[int, Message]:
    """A public staff reply by `author` in each ticket of `ticket_ids`, in one transaction with a
    constant number of queries whatever their number. Returns the messages by ticket id.

    Each ticket ends as add_reply(ticket=..., author=author, body=body(ticket),
    new_status=new_status) would leave it: locked first (all of them, in id order), its
    message, the status and times of transitions.STAFF_REPLY (`apply_each`), its status
    event line, its emails (`notify_each`, handed to the workers after commit) and its
    service level clocks refreshed after commit (`signals.tickets_changed`, one task for
    all). `body` gets each locked ticket, with its customer.
    """
    ids = sorted(set(ticket_ids))
    if not ids:
        return {}
    event = transitions.Event.STAFF_REPLY
    with transaction.atomic():
        # Lock them in id order with a short statement, then read them with their customers.
        ids = list(
            Ticket.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        locked = list(Ticket.objects.select_related("customer").filter(pk__in=ids).order_by("pk"))
        if not locked:
            return {}
        if any(ticket.customer_id == author.pk for ticket in locked):
            raise ValueError("A customer's post in their own ticket is not a staff reply.")
        messages = Message.objects.bulk_create(
            Message(
                ticket=ticket,
                author=author,
                body=body(ticket),
                is_staff_reply=True,
                is_internal=False,
            )
            for ticket in locked
        )
        # The replies are posted at one moment (the first one's), so that the tickets they
        # change end alike and are written by one UPDATE.
        at = messages[0].created_at
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(created_at=at)
        for message in messages:
            message.created_at = at
        changed = transitions.apply_each(
            locked, event, at=at, actor=author, status=new_status or None
        )
        _save_alike(locked, {name for names in changed.values() for name in names})
        transitions.notify_each([(message.ticket, message) for message in messages], event)
        signals.tickets_changed.send(sender=Ticket, ticket_ids=ids)
    return {message.ticket_id: message for message in messages}


def _save_alike(tickets: list[Ticket], fields: set[str]) -> None:
    """Save `fields` and updated_at of the tickets: one UPDATE per set of equal values
    (one in all for tickets that one event changed alike)."""
    now = timezone.now()
    attnames = sorted(Ticket._meta.get_field(name).attname for name in fields)
    groups: dict[tuple, list[int]] = {}
    for ticket in tickets:
        ticket.updated_at = now
        values = tuple(getattr(ticket, attname) for attname in attnames)
        groups.setdefault(values, []).append(ticket.pk)
    for values, ids in groups.items():
        Ticket.objects.filter(pk__in=ids).update(
            updated_at=now, **dict(zip(attnames, values, strict=True))
        )
