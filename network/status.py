"""What the Member Area shows about the network on every page, read from one cached value.

The live incidents (not resolved, maintenance not completed) are read with one query,
their servers and latest update included, and kept in the cache until one of them changes
(network/signals.py deletes the value) or NETWORK_STATUS_CACHE_SECONDS pass. Everything
that depends on the clock (a maintenance window opening) is worked out from the cached
value on each page, so the cache needs no change when time passes.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from .models import MAINTENANCE_NOTICE, Incident, IncidentUpdate

logger = logging.getLogger(__name__)

CACHE_KEY = "network:live-incidents:v1"


@dataclass
class LiveIncident:
    """An open incident or maintenance, as cached: plain values only."""

    pk: int
    kind: str
    impact: str
    state: str
    title: str
    title_id: str
    starts_at: datetime
    ends_at: datetime | None
    # hostname -> recovered_at (None while the server is still affected)
    servers: dict = field(default_factory=dict)
    latest_body: str = ""
    latest_body_id: str = ""
    latest_at: datetime | None = None

    @property
    def is_maintenance(self):
        return self.kind == Incident.Kind.MAINTENANCE

    @property
    def display_title(self):
        if (get_language() or "").startswith("id") and self.title_id.strip():
            return self.title_id
        return self.title

    @property
    def display_latest(self):
        if (get_language() or "").startswith("id") and self.latest_body_id.strip():
            return self.latest_body_id
        return self.latest_body

    @property
    def url(self):
        return f"{reverse('network:status')}#incident-{self.pk}"

    def get_state_display(self):
        return Incident.State(self.state).label

    def get_impact_display(self):
        return Incident.Impact(self.impact).label

    @property
    def impact_badge(self):
        return {"minor": "info", "major": "warning", "critical": "danger"}.get(
            self.impact, "secondary"
        )

    def in_window(self, now):
        """Maintenance under way: started (or marked in progress) and not past its end."""
        if self.state == Incident.State.IN_PROGRESS:
            return True
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)

    def level(self, now):
        """The banner's level now: "danger"/"warning" (an outage, a maintenance window),
        "info" (maintenance within its notice period), or None (nothing to say yet)."""
        if not self.is_maintenance:
            return "danger" if self.impact == Incident.Impact.CRITICAL else "warning"
        if self.in_window(now):
            return "warning"
        if self.ends_at is not None and now >= self.ends_at:
            return None  # over, only not marked completed yet
        if now >= self.starts_at - MAINTENANCE_NOTICE:
            return "info"
        return None

    def affects_now(self, hostname, now):
        """Is `hostname` down because of this, right now?"""
        if not hostname or hostname not in self.servers or self.servers[hostname] is not None:
            return False
        return not self.is_maintenance or self.in_window(now)

    def concerns(self, hostname, now):
        """Is `hostname` touched now, or by maintenance within its notice period?"""
        if not hostname or hostname not in self.servers or self.servers[hostname] is not None:
            return False
        return self.level(now) is not None


def _load():
    """The live incidents in one query: each row an incident with one of its servers (a
    LEFT JOIN) and its latest update (subqueries)."""
    latest = IncidentUpdate.objects.filter(incident=OuterRef("pk")).order_by("-created_at", "-id")
    rows = (
        Incident.objects.exclude(state__in=Incident.FINAL_STATES)
        .annotate(
            latest_body=Subquery(latest.values("body")[:1]),
            latest_body_id=Subquery(latest.values("body_id")[:1]),
            latest_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("starts_at", "pk")
        .values(
            "pk",
            "kind",
            "impact",
            "state",
            "title",
            "title_id",
            "starts_at",
            "ends_at",
            "latest_body",
            "latest_body_id",
            "latest_at",
            "servers__hostname",
            "servers__recovered_at",
        )
    )
    incidents = {}
    for row in rows:
        hostname = row.pop("servers__hostname")
        recovered_at = row.pop("servers__recovered_at")
        incident = incidents.get(row["pk"])
        if incident is None:
            row["latest_body"] = row["latest_body"] or ""
            row["latest_body_id"] = row["latest_body_id"] or ""
            incident = incidents[row["pk"]] = LiveIncident(**row)
        if hostname:
            incident.servers[hostname] = recovered_at
    return list(incidents.values())


def live_incidents():
    """The cached live incidents; one query when the cache is cold, none when warm.

    A cache that cannot be reached (Redis down) costs the query, never the page."""
    try:
        value = cache.get(CACHE_KEY)
    except Exception:
        logger.warning("Network status cache unavailable", exc_info=True)
        return _load()
    if value is None:
        value = _load()
        try:
            cache.set(CACHE_KEY, value, settings.NETWORK_STATUS_CACHE_SECONDS)
        except Exception:
            logger.warning("Network status cache unavailable", exc_info=True)
    return value


def forget():
    """Drop the cached value: the next page reads the incidents again. (With the cache
    unreachable, its value expires after NETWORK_STATUS_CACHE_SECONDS.)"""
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.warning("Network status cache unavailable", exc_info=True)


IMPACT_ORDER = {"critical": 0, "major": 1, "minor": 2}


class NetworkStatus:
    """The network status for one request; nothing is read until a template asks."""

    def __init__(self, now=None):
        self._now = now

    @cached_property
    def now(self):
        return self._now or timezone.now()

    @cached_property
    def incidents(self):
        return live_incidents()

    @cached_property
    def banner(self):
        """The incidents to announce on the page, most severe first, with their level."""
        shown = []
        for incident in self.incidents:
            level = incident.level(self.now)
            if level:
                shown.append((level, incident))
        rank = {"danger": 0, "warning": 1, "info": 2}
        shown.sort(key=lambda item: (rank[item[0]], IMPACT_ORDER.get(item[1].impact, 3)))
        return [{"level": level, "incident": incident} for level, incident in shown]

    @cached_property
    def level(self):
        return self.banner[0]["level"] if self.banner else None

    def affecting(self, hostname):
        """The incidents that affect `hostname` right now."""
        return [i for i in self.incidents if i.affects_now(hostname, self.now)]

    def concerning(self, services):
        """(service, incident, level) for each service touched now or by announced
        maintenance: the dashboard's "This affects your service" lines."""
        found = []
        for service in services:
            for incident in self.incidents:
                if incident.concerns(service.server, self.now):
                    found.append(
                        {
                            "service": service,
                            "incident": incident,
                            "level": incident.level(self.now),
                        }
                    )
        return found

    def open_incidents(self):
        """Incidents staff may link tickets to: every live one."""
        return list(self.incidents)
