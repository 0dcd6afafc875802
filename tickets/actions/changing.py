"""Changing a ticket's department, status, priority, assignee or related service, and
unassigning staff who no longer handle a department."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import access
from ..emails import TicketEmail
from ..models import ACTIVE_STATUSES, Ticket, TicketEvent
from . import transitions

CHANGEABLE = {"department", "status", "priority", "assignee", "service"}


def _label(name: str, value) -> str:
    if value is None:
        return ""
    if name == "department":
        return value.name
    if name == "assignee":
        return value.email
    return str(value)


def update_ticket(*, ticket: Ticket, by, **changes) -> Ticket:
    """Change a ticket's department, status, priority, assignee or related service, in one
    transaction.

    Every change of department, status, priority or assignee is an event line; moving the
    ticket to another department tells that department's staff. Only someone who handles
    the target department may move a ticket there; an assignee who does not handle the new
    department is unassigned by the move. A status change follows tickets.actions.transitions.
    """
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise TypeError(f"update_ticket() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        # Lock the ticket's row only: the assignee is an outer join, which PostgreSQL
        # cannot lock.
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("department", "assignee")
            .get(pk=ticket.pk)
        )
        department = changes.get("department")
        if department is not None and department != locked.department:
            if not access.may_be_assigned(by, department):
                raise PermissionDenied("Only its staff may move a ticket into a department.")
            assignee = changes.get("assignee", locked.assignee)
            if assignee is not None and not access.may_be_assigned(assignee, department):
                changes["assignee"] = None
        assignee = changes.get("assignee")
        if assignee is not None and not assignee.is_staff:
            raise ValueError("Only staff members can be assigned to a ticket.")
        if changes.get("service") is not None:
            if changes["service"].owner_id != locked.customer_id:
                raise ValueError("The related service must belong to the customer.")

        update = ["updated_at"]
        status = changes.pop("status", None)
        if status is not None and status != locked.status:
            update += transitions.apply(
                locked,
                transitions.Event.STATUS_CHANGE,
                at=timezone.now(),
                actor=by,
                status=status,
            )
        moved = False
        for name, value in changes.items():
            old = getattr(locked, name)
            if old == value:
                continue
            setattr(locked, name, value)
            update.append(name)
            if name in TicketEvent.Field.values:
                TicketEvent.objects.create(
                    ticket=locked,
                    actor=by,
                    field=name,
                    old_value=_label(name, old),
                    new_value=_label(name, value),
                )
            moved = moved or name == "department"
        locked.save(update_fields=update)
        if moved:
            from notifications.outbox import queue

            kind = TicketEmail.TICKET_MOVED
            staff = access.department_staff_wanting(locked.department_id, kind)
            queue(kind, recipients=access.without(staff, by), ticket=locked)
    ticket.refresh_from_db()
    return locked


def unassign_departed(*, user, department_ids: Iterable[int] | None = None) -> list[str]:
    """Unassign `user` from their active tickets in departments they no longer handle
    (all of them when `department_ids` is None), each with an event line. Returns the
    numbers of the tickets unassigned. A superuser handles every department: nothing."""
    if access.handles_everything(user):
        return []
    tickets = Ticket.objects.filter(assignee=user, status__in=ACTIVE_STATUSES)
    if department_ids is not None:
        tickets = tickets.filter(department__in=list(department_ids))
    handled = access.department_ids(user) or frozenset()
    numbers = []
    with transaction.atomic():
        for ticket in tickets.select_for_update(of=("self",)).exclude(department__in=handled):
            ticket.assignee = None
            ticket.save(update_fields=["assignee", "updated_at"])
            TicketEvent.objects.create(
                ticket=ticket,
                actor=None,
                field=TicketEvent.Field.ASSIGNEE,
                old_value=user.email,
                new_value="",
            )
            numbers.append(ticket.number)
    return numbers
