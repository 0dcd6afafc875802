"""Staff decisions on held mail: approve it into its ticket (or as a new ticket), or
discard it. Each is one transaction on the locked row, so two staff members clicking at
once post it once."""

from django.db import transaction
from django.utils import timezone

from tickets import access

from .models import InboundMessage
from .parsing import ParseError, parse
from .pipeline import PROCESSED_FIELDS, Outcome, post

State = InboundMessage.State


class CannotApprove(Exception):
    """The message has nowhere to go (no ticket, no known customer, no department)."""


def visible_to(user):
    """The stored messages a staff member may see: those of the departments they handle
    (tickets.access; superusers: every message, those of no department included)."""
    rows = InboundMessage.objects.defer("raw")
    if access.handles_everything(user):
        return rows
    if not access.is_staff_member(user):
        return rows.none()
    return rows.filter(department__in=access.departments_of(user).values("pk"))


def can_approve(row):
    return row.state == State.HELD and (row.ticket_id or (row.customer_id and row.department_id))


def approve(*, inbound, by):
    """Post a held message as its ticket's customer (or open the customer's ticket). The
    flood limit is not applied again: a person decided."""
    with transaction.atomic():
        row = (
            # Only the row is locked: its ticket, customer and department are outer joins.
            InboundMessage.objects.select_for_update(of=("self",))
            .select_related("ticket__customer", "ticket__department", "customer", "department")
            .get(pk=inbound.pk)
        )
        if row.state != State.HELD:
            return row
        if not can_approve(row):
            raise CannotApprove("This message has no ticket, customer or department to go to.")
        try:
            mail = parse(bytes(row.raw), envelope_recipient=row.envelope_recipient)
        except ParseError as error:
            raise CannotApprove(str(error)) from error
        ticket = row.ticket
        customer = ticket.customer if ticket else row.customer
        note = ""
        if mail.sender != customer.email.lower():
            note = f"[Email from {mail.sender or 'an unknown sender'}, approved by {by.email}]"
        outcome = post(
            row,
            mail,
            customer=customer,
            ticket=ticket,
            department=None if ticket else row.department,
            check_rate=False,
            note=note,
        )
        _finish(row, outcome, by)
    return row


def discard(*, inbound, by):
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
        if row.state == State.HELD:
            _finish(row, Outcome(State.DISCARDED, row.reason, row.detail), by)
    return row


def _finish(row, outcome, by):
    row.state = outcome.state
    row.reason = outcome.reason or row.reason
    row.detail = f"{row.detail}\n{outcome.detail}".strip()[:5000]
    row.reviewed_by = by
    row.processed_at = timezone.now()
    row.save(update_fields=[*PROCESSED_FIELDS, "reviewed_by"])
