"""The staff queue's incident filter (`?incident=<id>`) and its marks of linked tickets."""

from django.db.models import Exists, OuterRef

from .models import IncidentTicket


def filter_by_incident(tickets, value):
    """The queue's tickets, each marked `incident_linked` (an EXISTS in the queue's own query:
    no query of its own), only those linked to incident `value` when it is an id. Another
    value is ignored, like the queue's other hand-edited filters."""
    tickets = tickets.annotate(
        incident_linked=Exists(IncidentTicket.objects.filter(ticket=OuterRef("pk")))
    )
    try:
        incident_id = int(value)
    except (TypeError, ValueError):
        return tickets
    return tickets.filter(incident_links__incident=incident_id)
