"""Who may do what with incidents.

Incidents concern the whole network: every active staff member may open, update and resolve
them. Tickets stay department-scoped: staff link, list and broadcast to the tickets of their
own departments only (superusers: all)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tickets import access

from .models import Incident


def staff_required(view):
    """Logged in (or to the login page) and active staff (or 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def visible_tickets(user):
    """The tickets `user` may see: those of their departments; all for a superuser
    (tickets.access decides)."""
    return access.tickets_of(user)


def get_incident(pk):
    return get_object_or_404(Incident, pk=pk)
