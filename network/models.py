"""Network incidents and scheduled maintenance, the servers they touch, their public
updates, the tickets linked to them and the audit trail of every change."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Maintenance is announced this long before it starts (the banner, as information).
MAINTENANCE_NOTICE = timedelta(hours=48)


def _indonesian():
    return (get_language() or "").split("-")[0] == "id"


class Incident(models.Model):
    """An outage or a scheduled maintenance of one or more servers."""

    class Kind(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        MAINTENANCE = "maintenance", _("Scheduled maintenance")

    class Impact(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    class State(models.TextChoices):
        INVESTIGATING = "investigating", _("Investigating")
        IDENTIFIED = "identified", _("Identified")
        MONITORING = "monitoring", _("Monitoring")
        RESOLVED = "resolved", _("Resolved")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    # The states each kind goes through, in order; the last one ends it.
    STATES = {
        Kind.INCIDENT: [
            State.INVESTIGATING,
            State.IDENTIFIED,
            State.MONITORING,
            State.RESOLVED,
        ],
        Kind.MAINTENANCE: [State.SCHEDULED, State.IN_PROGRESS, State.COMPLETED],
    }
    FINAL_STATES = (State.RESOLVED, State.COMPLETED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INCIDENT)
    title = models.CharField(_("title"), max_length=200)
    title_id = models.CharField(_("title (Indonesian)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    impact = models.CharField(
        _("impact"), max_length=10, choices=Impact.choices, default=Impact.MINOR
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.INVESTIGATING
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(
        _("end"),
        null=True,
        blank=True,
        help_text=_("For maintenance: the planned end. For an incident: when it was resolved."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["state", "starts_at"], name="network_incident_state_idx"),
            models.Index(fields=["ends_at"], name="network_incident_ends_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="network_incident_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('network:status')}#incident-{self.pk}"

    def get_staff_url(self):
        return reverse("network_staff:incident", args=[self.pk])

    @property
    def display_title(self):
        return self.title_id.strip() if _indonesian() and self.title_id.strip() else self.title

    @property
    def display_description(self):
        if _indonesian() and self.description_id.strip():
            return self.description_id
        return self.description

    @property
    def is_maintenance(self):
        return self.kind == self.Kind.MAINTENANCE

    @property
    def is_closed(self):
        return self.state in self.FINAL_STATES

    @property
    def state_choices(self):
        return [(state.value, state.label) for state in self.STATES[self.Kind(self.kind)]]

    @property
    def impact_badge(self):
        return {"minor": "info", "major": "warning", "critical": "danger"}.get(
            self.impact, "secondary"
        )


class AffectedServer(models.Model):
    """A server an incident touches; each may recover at its own time."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="servers", verbose_name=_("incident")
    )
    hostname = models.CharField(_("server"), max_length=253)
    recovered_at = models.DateTimeField(_("recovered"), null=True, blank=True)

    class Meta:
        verbose_name = _("affected server")
        verbose_name_plural = _("affected servers")
        ordering = ["hostname"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "hostname"], name="network_server_once_per_incident"
            ),
        ]

    def __str__(self):
        return self.hostname


class IncidentUpdate(models.Model):
    """A timed public update of an incident, shown on the status page; it may also have
    been posted as a reply to every linked ticket (`broadcast`)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="updates", verbose_name=_("incident")
    )
    state = models.CharField(_("state"), max_length=20, choices=Incident.State.choices)
    body = models.TextField(_("update"))
    body_id = models.TextField(_("update (Indonesian)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # Posted as a public reply in each linked ticket (and emailed through the outbox).
    broadcast = models.BooleanField(_("posted to linked tickets"), default=False)
    # With the broadcast: each linked ticket is closed by its reply.
    closes_tickets = models.BooleanField(_("closes linked tickets"), default=False)
    # When the last linked ticket got the broadcast (null while it is being written).
    broadcast_finished_at = models.DateTimeField(
        _("posted to every linked ticket"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["incident", "-created_at"], name="network_update_incident_idx")
        ]

    def __str__(self):
        return f"{self.incident_id}: {self.get_state_display()}"

    @property
    def display_body(self):
        return self.body_id if _indonesian() and self.body_id.strip() else self.body


class IncidentTicket(models.Model):
    """A ticket linked to an incident: it gets the incident's broadcast updates."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="links", verbose_name=_("incident")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="incident_links",
        verbose_name=_("ticket"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("linked ticket")
        verbose_name_plural = _("linked tickets")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "ticket"], name="network_ticket_linked_once"
            ),
        ]
        indexes = [models.Index(fields=["ticket"], name="network_link_ticket_idx")]

    def __str__(self):
        return f"{self.incident_id} ↔ {self.ticket_id}"


class BroadcastDelivery(models.Model):
    """One broadcast update written into one ticket: the row is created in the same
    transaction as the reply, so a broadcast that is run again (a worker killed halfway)
    skips the tickets that have it and never writes, or emails, a reply twice."""

    update = models.ForeignKey(IncidentUpdate, on_delete=models.CASCADE, related_name="deliveries")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("broadcast delivery")
        verbose_name_plural = _("broadcast deliveries")
        constraints = [
            models.UniqueConstraint(fields=["update", "ticket"], name="network_broadcast_once"),
        ]

    def __str__(self):
        return f"{self.update_id} → {self.ticket_id}"


class IncidentEvent(models.Model):
    """The audit trail: every change to an incident, who made it and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        UPDATE_POSTED = "update_posted", _("update posted")
        SERVER_RECOVERED = "server_recovered", _("server recovered")
        TICKETS_LINKED = "tickets_linked", _("tickets linked")
        TICKET_UNLINKED = "ticket_unlinked", _("ticket unlinked")
        BROADCAST_DONE = "broadcast_done", _("update posted to linked tickets")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events", verbose_name=_("incident")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="network_event_idx")]

    def __str__(self):
        return f"{self.incident_id} {self.action}: {self.detail}"
