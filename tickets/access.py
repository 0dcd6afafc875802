"""Who may see and handle which department and ticket: the one place that says it.

- A customer sees their own tickets and the posts of them that are not internal notes;
  anything else is a 404 exactly like a missing object (tickets/queries.py starts every
  customer lookup from the customer).
- A member of staff handles the departments they work in, while their account is active
  and marked staff; an active superuser handles every department. Nobody else handles any.
- Staff emails go to those who handle the ticket's department, never to someone removed
  from it, made inactive or no longer staff; their open tickets there are unassigned
  (tickets.actions.changing.unassign_departed).

The customer pages, the staff pages, the admin, the actions and the recipient lists all ask
here.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import Department, Ticket

User = get_user_model()

# The setting on a staff member's account that turns each staff email off for them.
EMAIL_SETTINGS = {
    "staff_new_ticket": "notify_new_ticket",
    "customer_reply": "notify_customer_reply",
    "ticket_moved": "notify_ticket_moved",
}


def handles_everything(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def is_staff_member(user) -> bool:
    """May `user` use the staff pages at all (an active staff account)?"""
    return bool(user.is_active and user.is_staff)


def staff_required(view):
    """A view for active staff only: logged in (or to the login page) and staff (or 403).
    Every staff page of every app uses it."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def department_ids(user) -> frozenset[int] | None:
    """The ids of the departments `user` handles; None means every department."""
    if handles_everything(user):
        return None
    if not is_staff_member(user):
        return frozenset()
    return frozenset(Department.objects.filter(staff=user).values_list("pk", flat=True))


def request_departments(request) -> list[Department] | None:
    """The departments the request's user handles (None: all), read once per request:
    every permission check of an admin page asks, and the forms offer them."""
    if not hasattr(request, "_handled_departments"):
        user = request.user
        if handles_everything(user):
            request._handled_departments = None
        else:
            request._handled_departments = list(departments_of(user))
    return request._handled_departments


def request_department_ids(request) -> frozenset[int] | None:
    """The ids of request_departments() (None: all)."""
    departments = request_departments(request)
    return None if departments is None else frozenset(d.pk for d in departments)


def departments_of(user) -> QuerySet[Department]:
    """The departments `user` handles, in their display order."""
    departments = Department.objects.order_by("order", "name")
    if handles_everything(user):
        return departments
    if not is_staff_member(user):
        return departments.none()
    return departments.filter(staff=user)


def tickets_of(user) -> QuerySet[Ticket]:
    """The tickets `user` may see and act on as staff. A subquery, not a join: no
    duplicate rows."""
    tickets = Ticket.objects.all()
    if handles_everything(user):
        return tickets
    if not is_staff_member(user):
        return tickets.none()
    return tickets.filter(department__in=Department.objects.filter(staff=user).values("pk"))


def staff_ticket_filter(user, prefix: str = "") -> Q:
    """A Q limiting rows (through `prefix`, e.g. "message__ticket__") to the tickets `user`
    handles as staff; matches nothing for someone who handles no department."""
    if handles_everything(user):
        return Q()
    if not is_staff_member(user):
        return Q(pk__in=[])
    return Q(**{f"{prefix}department__staff": user})


def handlers_of(department_id: int) -> QuerySet:
    """The active staff members who work in the department (superusers are not emailed
    for every queue: they are not members)."""
    return User.objects.filter(departments=department_id, is_active=True, is_staff=True)


def department_staff_wanting(department_id: int, email_kind: str) -> list:
    """The department's staff who want emails of `email_kind`."""
    wanted = {EMAIL_SETTINGS[email_kind]: True}
    return list(handlers_of(department_id).filter(**wanted))


def customer_reply_recipients(ticket: Ticket) -> list:
    """Who is told of a customer's reply: the assignee while they handle the ticket's
    department (and want the email), else the department's staff."""
    kind = "customer_reply"
    if ticket.assignee_id is not None:
        # The assignee, read with the check that they still handle the department: one
        # query, and an assignee removed from it since is not emailed.
        handling = Q(is_staff=True, departments=ticket.department_id) | Q(is_superuser=True)
        assignee = User.objects.filter(handling, pk=ticket.assignee_id, is_active=True).first()
        if assignee is not None:
            return [assignee] if getattr(assignee, EMAIL_SETTINGS[kind]) else []
    return department_staff_wanting(ticket.department_id, kind)


def assignable_staff(department_id: int, *, user=None, current_id: int | None = None) -> QuerySet:
    """The staff who can be assigned a ticket of the department: its active staff, plus
    `user` if a superuser and the current assignee, so the choice shows what is set."""
    users = Q(is_active=True, is_staff=True, departments=department_id)
    if user is not None and handles_everything(user):
        users |= Q(pk=user.pk)
    if current_id is not None:
        users |= Q(pk=current_id)
    return User.objects.filter(users).distinct().order_by("name", "email")


def may_be_assigned(user, department: Department) -> bool:
    return handles_everything(user) or (
        is_staff_member(user) and department.staff.filter(pk=user.pk).exists()
    )


def without(users: Iterable, excluded) -> list:
    return [u for u in users if u.pk != getattr(excluded, "pk", None)]
