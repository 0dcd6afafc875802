"""Opening a ticket."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from .. import throttle
from ..models import Department, Message, Ticket
from . import transitions
from .files import save_attachments
from .numbering import new_ticket_number
from .submission import run_once


def open_ticket(
    *,
    customer,
    department: Department,
    subject: str,
    body: str,
    priority: str = Ticket.Priority.MEDIUM,
    service=None,
    files: Sequence = (),
    submission_token: UUID | None = None,
    enforce_limits: bool = False,
) -> Ticket:
    """Open a ticket for `customer` with its first message and attachments, in one
    transaction; the customer and the department's staff are emailed after commit.

    `files` are CheckedFile objects (tickets.uploads). The same `submission_token` twice
    (a double click) returns the ticket the first submit created instead of a second one.
    With `enforce_limits` the customer's flood limits are checked under their row lock
    (tickets.throttle); over them, RateLimited is raised and nothing is stored.
    """
    if service is not None and service.owner_id != customer.pk:
        raise ValueError("The related service must belong to the customer.")

    def work(stored: list) -> Ticket:
        with transaction.atomic():
            if enforce_limits:
                refusal = throttle.check_new_ticket(customer, submission_token, lock=True)
                if refusal:
                    raise throttle.RateLimited(refusal)
            ticket = Ticket(
                number=new_ticket_number(),
                customer=customer,
                department=department,
                service=service,
                subject=subject,
                priority=priority,
                submission_token=submission_token,
            )
            transitions.apply(ticket, transitions.Event.OPENED, at=timezone.now(), actor=customer)
            ticket.save(force_insert=True)
            message = Message.objects.create(ticket=ticket, author=customer, body=body)
            save_attachments(message, files, stored)
            transitions.notify(ticket, transitions.Event.OPENED, message=message)
            return ticket

    return run_once(
        work,
        token=submission_token,
        first=lambda token: customer.tickets.filter(submission_token=token).first(),
    )
