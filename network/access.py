"""Who may do what with incidents.

Incidents concern the whole network: every active staff member may open, update and resolve
them. Tickets stay department-scoped: staff link, list and broadcast to the tickets of their
own departments only (superusers: all)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tickets.models import Department, Ticket

from .models import Incident


def staff_required(view):
    """Logged in (or to the login page) and active staff (or 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def visible_tickets(user):
    """The tickets `user` may see: those of their departments; all for a superuser."""
    tickets = Ticket.objects.all()
    if user.is_superuser:
        return tickets
    return tickets.filter(department__in=Department.objects.filter(staff=user).values("pk"))


def get_incident(pk):
    return get_object_or_404(Incident, pk=pk)
