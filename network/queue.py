"""The staff queue's incident filter (`?incident=<id>`) and its marks of linked tickets."""

from .models import IncidentTicket


def filter_by_incident(tickets, value):
    """Only the tickets linked to incident `value`; a value that is not an id is ignored,
    like the queue's other hand-edited filters."""
    try:
        incident_id = int(value)
    except (TypeError, ValueError):
        return tickets
    return tickets.filter(incident_links__incident=incident_id)


def incident_marks(tickets):
    """{ticket id: [incident ids]} for the tickets of a queue page, in one query."""
    ids = [ticket.pk for ticket in tickets]
    marks = {}
    if ids:
        rows = IncidentTicket.objects.filter(ticket__in=ids).values_list("ticket_id", "incident_id")
        for ticket_id, incident_id in rows:
            marks.setdefault(ticket_id, []).append(incident_id)
    return marks
