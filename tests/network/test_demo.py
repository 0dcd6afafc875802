"""seed_demo's network status: one open incident on the server of customer@example.com's
hosting plan and none of other@example.com's, one maintenance next week elsewhere."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from network.models import Incident
from services.models import Service


def test_seed_demo_creates_the_incident_and_the_maintenance_once(client, db):
    for _ in range(2):
        call_command("seed_demo", "--force", stdout=io.StringIO())

    incident = Incident.objects.get(kind=Incident.Kind.INCIDENT)
    assert incident.title == "Email delivery delays on server sg-web-03"
    assert (incident.impact, incident.state) == ("major", "identified")
    assert incident.updates.count() == 1
    servers = set(incident.servers.values_list("hostname", flat=True))
    hosting = Service.objects.get(owner__email="customer@example.com", kind="hosting")
    assert hosting.server in servers
    other = Service.objects.filter(owner__email="other@example.com")
    assert not other.filter(server__in=servers).exists()

    maintenance = Incident.objects.get(kind=Incident.Kind.MAINTENANCE)
    assert maintenance.state == "scheduled"
    assert not set(maintenance.servers.values_list("hostname", flat=True)) & servers
    days = (maintenance.starts_at - timezone.now()) / timedelta(days=1)
    assert 6 < days < 8

    client.force_login(hosting.owner)
    assert "This affects your service" in client.get("/").content.decode()
    client.force_login(other.first().owner)
    html = client.get("/").content.decode()
    assert "This affects your service" not in html
    assert "Email delivery delays on server sg-web-03" in html
