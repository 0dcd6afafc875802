"""Template tags that put the network status into pages of other apps with one include."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..models import IncidentTicket
from ..status import NetworkStatus

register = template.Library()


def _status(context):
    return context.get("network_status") or NetworkStatus()


@register.simple_tag(takes_context=True)
def services_concerned(context, services):
    """The dashboard's notices: each of `services` that an incident (or announced
    maintenance) touches, with it. Reads nothing beyond the cached status."""
    return _status(context).concerning(services)


@register.simple_tag(takes_context=True)
def live_incidents(context):
    """The incidents staff can link tickets to (from the cached status)."""
    return _status(context).open_incidents()


@register.simple_tag
def ticket_incident_links(ticket):
    """The incidents `ticket` is linked to (one query)."""
    return list(
        IncidentTicket.objects.filter(ticket=ticket).select_related("incident").order_by("id")
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def affected_service_ids(context, services):
    """{service id: [live incidents affecting it now]}: the Open New Ticket notice."""
    status = _status(context)
    servers = {
        hostname
        for incident in status.incidents
        for hostname in incident.servers
        if incident.affects_now(hostname, status.now)
    }
    if not servers:
        return {}  # the usual case: no query for the customer's services
    found = {}
    for service in services.filter(server__in=servers):
        incidents = status.affecting(service.server)
        if incidents:
            found[service.pk] = incidents
    return found


@register.simple_tag(takes_context=True)
def incident_cell(context, ticket):
    """The queue's first cell: a box to tick for linking (while an incident is live) and a
    badge on tickets linked to an incident. A tag, not an include: it runs once a row."""
    box = ""
    if _status(context).incidents:
        box = format_html(
            '<input class="form-check-input" type="checkbox" name="tickets" value="{}" '
            'form="incident-bulk-link" aria-label="{}"> ',
            ticket.number,
            _("Link ticket #%(number)s to an incident") % {"number": ticket.number},
        )
    badge = ""
    if getattr(ticket, "incident_linked", False):
        badge = format_html(
            '<span class="badge text-bg-warning" title="{}" data-linked-incident>{}</span>',
            _("Linked to an incident"),
            _("Incident"),
        )
    return format_html('<td class="text-nowrap">{}{}</td>', box, badge)
