"""Reads of the status page and the staff pages."""

from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from .models import AffectedServer, Incident, IncidentUpdate

# The status page shows maintenance this far ahead, and resolved incidents this far back.
WINDOW = timedelta(days=14)


def status_page(now=None):
    """The incidents of the status page in three lists, read with three queries (the
    incidents, their servers, their updates) however many there are.

    - current: incidents not resolved, maintenance under way;
    - upcoming: maintenance starting within 14 days;
    - resolved: ended within the last 14 days.
    """
    now = now or timezone.now()
    live = ~Q(state__in=Incident.FINAL_STATES)
    upcoming_or_current = live & (Q(kind=Incident.Kind.INCIDENT) | Q(starts_at__lte=now + WINDOW))
    recent = Q(state__in=Incident.FINAL_STATES) & Q(ends_at__gte=now - WINDOW)
    incidents = list(
        Incident.objects.filter(upcoming_or_current | recent)
        .prefetch_related(
            Prefetch("servers", queryset=AffectedServer.objects.order_by("hostname")),
            Prefetch("updates", queryset=IncidentUpdate.objects.order_by("-created_at", "-id")),
        )
        .order_by("-starts_at", "-id")
    )
    current, upcoming, resolved = [], [], []
    for incident in incidents:
        if incident.is_closed:
            resolved.append(incident)
        elif (
            incident.is_maintenance
            and incident.state == Incident.State.SCHEDULED
            and (incident.starts_at > now)
        ):
            upcoming.append(incident)
        else:
            current.append(incident)
    upcoming.sort(key=lambda i: i.starts_at)
    resolved.sort(key=lambda i: i.ends_at, reverse=True)
    return {"current": current, "upcoming": upcoming, "resolved": resolved}


def feed_updates(limit=50):
    """The newest public updates, each with its incident (one query)."""
    return IncidentUpdate.objects.select_related("incident").order_by("-created_at", "-id")[:limit]
