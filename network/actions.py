"""Everything that changes an incident. Each action is one transaction that writes the
incident's rows and its audit event; a broadcast to the linked tickets is handed to Celery
after commit (network/tasks.py)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.models import Ticket

from .models import (
    AffectedServer,
    Incident,
    IncidentEvent,
    IncidentTicket,
    IncidentUpdate,
)
from .status import NetworkStatus, forget

EDITABLE = (
    "title",
    "title_id",
    "description",
    "description_id",
    "impact",
    "starts_at",
    "ends_at",
)


def _event(incident, actor, action, detail=""):
    IncidentEvent.objects.create(incident=incident, actor=actor, action=action, detail=detail)


def _clean_servers(servers):
    """Host names as typed, stripped, lower case, each once, in their order."""
    return list(dict.fromkeys(s.strip().lower() for s in servers if s and s.strip()))


def _check_state(kind, state):
    if state not in Incident.STATES[Incident.Kind(kind)]:
        raise ValueError(f"{state!r} is not a state of a {kind}.")


def create_incident(
    *,
    by,
    kind,
    title,
    impact,
    starts_at,
    servers,
    message,
    title_id="",
    description="",
    description_id="",
    message_id="",
    state=None,
    ends_at=None,
):
    """Open an incident (or schedule a maintenance) on `servers`, with its first public
    update `message`."""
    state = state or Incident.STATES[Incident.Kind(kind)][0]
    _check_state(kind, state)
    servers = _clean_servers(servers)
    if not servers:
        raise ValueError("An incident affects at least one server.")
    if ends_at is not None and ends_at < starts_at:
        raise ValueError("The end is before the start.")
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=kind,
            title=title,
            title_id=title_id,
            description=description,
            description_id=description_id,
            impact=impact,
            state=state,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=by,
        )
        AffectedServer.objects.bulk_create(
            [AffectedServer(incident=incident, hostname=name) for name in servers]
        )
        IncidentUpdate.objects.create(
            incident=incident, state=state, body=message, body_id=message_id, author=by
        )
        _event(incident, by, IncidentEvent.Action.CREATED, ", ".join(servers))
    forget()
    return incident


def update_incident(*, incident, by, servers=None, **changes):
    """Change an incident's texts, impact, times or servers; each change is an event.

    A server taken off the list is forgotten; a new one starts affected."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_incident() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        starts_at = changes.get("starts_at", locked.starts_at)
        ends_at = changes.get("ends_at", locked.ends_at)
        if ends_at is not None and ends_at < starts_at:
            raise ValueError("The end is before the start.")
        details = []
        update = []
        for name, value in changes.items():
            old = getattr(locked, name)
            if old == value:
                continue
            setattr(locked, name, value)
            update.append(name)
            details.append(f"{name}: {old if old not in (None, '') else '—'} → {value or '—'}")
        if update:
            locked.save(update_fields=[*update, "updated_at"])
        if servers is not None:
            wanted = _clean_servers(servers)
            if not wanted:
                raise ValueError("An incident affects at least one server.")
            current = set(locked.servers.values_list("hostname", flat=True))
            added = [name for name in wanted if name not in current]
            removed = sorted(current - set(wanted))
            if removed:
                for server in locked.servers.filter(hostname__in=removed):
                    server.delete()
            for name in added:
                AffectedServer.objects.create(incident=locked, hostname=name)
            if added:
                details.append("servers added: " + ", ".join(added))
            if removed:
                details.append("servers removed: " + ", ".join(removed))
        if details:
            _event(locked, by, IncidentEvent.Action.CHANGED, "; ".join(details))
    for name in update:
        setattr(incident, name, getattr(locked, name))
    forget()
    return locked


def post_update(*, incident, by, state, body, body_id="", broadcast=False, close_tickets=False):
    """A timed public update: moves the incident to `state`, shows `body` on the status page
    and, with `broadcast`, posts it as a reply in every linked ticket (in the departments of
    `by`) and emails each customer through the outbox. `close_tickets` (with a final state)
    closes each linked ticket with that reply.

    A final state ends the incident: its end is now (unless set) and every server still
    affected is marked recovered now.
    """
    _check_state(incident.kind, state)
    if close_tickets and state not in Incident.FINAL_STATES:
        raise ValueError("Linked tickets are closed only when the incident ends.")
    if close_tickets:
        broadcast = True
    if not body.strip():
        raise ValueError("An update needs a text.")
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        now = timezone.now()
        old_state = locked.state
        fields = ["updated_at"]
        if state != old_state:
            locked.state = state
            fields.append("state")
        if state in Incident.FINAL_STATES:
            if locked.ends_at is None or (locked.is_maintenance and locked.ends_at > now):
                locked.ends_at = max(now, locked.starts_at)
                fields.append("ends_at")
            for server in locked.servers.filter(recovered_at__isnull=True):
                server.recovered_at = now
                server.save(update_fields=["recovered_at"])
        locked.save(update_fields=fields)
        update = IncidentUpdate.objects.create(
            incident=locked,
            state=state,
            body=body,
            body_id=body_id,
            author=by,
            broadcast=broadcast,
            closes_tickets=close_tickets,
        )
        detail = f"{old_state} → {state}" if state != old_state else state
        if broadcast:
            detail += (
                " (to linked tickets, closing them)" if close_tickets else (" (to linked tickets)")
            )
        _event(locked, by, IncidentEvent.Action.UPDATE_POSTED, detail)
        if broadcast:
            from .tasks import start_broadcast

            transaction.on_commit(lambda: start_broadcast(update.pk))
    incident.state = locked.state
    incident.ends_at = locked.ends_at
    forget()
    return update


def mark_server_recovered(*, incident, server, by):
    """One server is back while the incident goes on for the others."""
    with transaction.atomic():
        locked = AffectedServer.objects.select_for_update().get(pk=server.pk, incident=incident)
        if locked.recovered_at is not None:
            return locked
        locked.recovered_at = timezone.now()
        locked.save(update_fields=["recovered_at"])
        _event(incident, by, IncidentEvent.Action.SERVER_RECOVERED, locked.hostname)
    forget()
    return locked


def link_tickets(*, incident, tickets, by):
    """Link tickets to the incident (already linked ones are left alone). Returns how many
    were newly linked. The caller passes only tickets `by` may see."""
    tickets = list(tickets)
    with transaction.atomic():
        already = set(
            IncidentTicket.objects.filter(
                incident=incident, ticket__in=[t.pk for t in tickets]
            ).values_list("ticket_id", flat=True)
        )
        new = [t for t in tickets if t.pk not in already]
        IncidentTicket.objects.bulk_create(
            [IncidentTicket(incident=incident, ticket=t, linked_by=by) for t in new],
            ignore_conflicts=True,
        )
        if new:
            numbers = ", ".join(f"#{t.number}" for t in new)
            _event(incident, by, IncidentEvent.Action.TICKETS_LINKED, numbers)
    return len(new)


def unlink_ticket(*, incident, ticket, by):
    with transaction.atomic():
        deleted, _ = IncidentTicket.objects.filter(incident=incident, ticket=ticket).delete()
        if deleted:
            _event(incident, by, IncidentEvent.Action.TICKET_UNLINKED, f"#{ticket.number}")
    return bool(deleted)


def incidents_affecting(service):
    """The live incidents that affect `service`'s server now (from the cached status)."""
    if service is None or not service.server:
        return []
    return NetworkStatus().affecting(service.server)


def link_opened_ticket(ticket: Ticket):
    """A customer opened `ticket` about a service an incident affects (after seeing the
    notice, "Open the ticket anyway"): it is linked to each such incident, so it gets the
    incident's updates. Returns the incidents."""
    affecting = incidents_affecting(ticket.service)
    if not affecting:
        return []
    incidents = list(Incident.objects.filter(pk__in=[i.pk for i in affecting]))
    for incident in incidents:
        try:
            with transaction.atomic():
                IncidentTicket.objects.create(incident=incident, ticket=ticket)
                _event(
                    incident,
                    ticket.customer,
                    IncidentEvent.Action.TICKETS_LINKED,
                    f"#{ticket.number} (opened by the customer)",
                )
        except IntegrityError:
            pass  # linked already (a double submit)
    return incidents
