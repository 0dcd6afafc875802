"""Posting to a ticket's thread: a customer's reply, a staff reply, an internal note."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db import transaction

from .. import throttle
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
