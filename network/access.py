"""Who may do what with incidents.

Incidents concern the whole network: every active staff member may open, update and resolve
them. Tickets stay department-scoped: staff link, list and broadcast to the tickets of their
own departments only (superusers: all)."""

from django.shortcuts import get_object_or_404

from tickets import access

from .models import Incident


def visible_tickets(user):
    """The tickets `user` may see: those of their departments; all for a superuser
    (tickets.access decides)."""
    return access.tickets_of(user)


def get_incident(pk):
    return get_object_or_404(Incident, pk=pk)
