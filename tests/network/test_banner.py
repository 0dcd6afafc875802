"""The banner on every Member Area page: while an incident is open; for maintenance from
48 hours before (information) and during its window (warning). It costs one query when its
cache is cold, none when warm, and a change shows at once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network import actions
from network.models import Incident

START = datetime(2026, 12, 10, 22, 0, tzinfo=UTC)


def banner(client, path="/"):
    html = client.get(path).content.decode()
    if "data-network-banner" not in html:
        return None
    start = html.index("data-network-banner")
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    "path", ["/", "/support/tickets/", "/support/tickets/new/", "/status/", "/staff/"]
)
def test_an_open_incident_shows_on_every_page(client, root, open_incident, path):
    client.force_login(root)
    shown = banner(client, path)
    assert shown is not None
    assert "Email delivery delays on server sg-web-03" in shown
    assert 'data-level="warning"' in shown
    assert 'href="/status/#incident-' in shown


def test_it_shows_on_the_login_page_too(client, open_incident):
    assert "Email delivery delays" in banner(client, "/accounts/login/")


def test_it_goes_away_when_the_incident_is_resolved(alice_client, sam, open_incident):
    assert banner(alice_client) is not None
    actions.post_update(
        incident=open_incident, by=sam, state=Incident.State.RESOLVED, body="Fixed."
    )
    assert banner(alice_client) is None


def test_it_speaks_indonesian(client, open_incident):
    client.cookies["django_language"] = "id"
    shown = banner(client, "/accounts/login/")
    assert "Keterlambatan pengiriman email di server sg-web-03" in shown
    assert "Insiden jaringan" in shown


@pytest.fixture
def planned(sam):
    with time_machine.travel(START - timedelta(days=7), tick=False):
        return actions.create_incident(
            by=sam,
            kind=Incident.Kind.MAINTENANCE,
            title="New disks for sg-db-02",
            impact=Incident.Impact.MINOR,
            starts_at=START,
            ends_at=START + timedelta(hours=2),
            servers=["sg-db-02"],
            message="Planned.",
        )


@pytest.mark.parametrize(
    ("moment", "level"),
    [
        (START - timedelta(hours=48, minutes=1), None),
        (START - timedelta(hours=47, minutes=59), "info"),
        (START - timedelta(minutes=1), "info"),
        (START, "warning"),
        (START + timedelta(hours=1, minutes=59), "warning"),
        (START + timedelta(hours=2), None),
    ],
)
def test_maintenance_is_announced_48_hours_before_and_warned_of_during(
    alice_client, planned, moment, level
):
    with time_machine.travel(moment, tick=False):
        shown = banner(alice_client)
    if level is None:
        assert shown is None
    else:
        assert f'data-level="{level}"' in shown
        assert "New disks for sg-db-02" in shown


def test_maintenance_marked_in_progress_early_is_a_warning(alice_client, sam, planned):
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        actions.post_update(
            incident=planned, by=sam, state=Incident.State.IN_PROGRESS, body="Started early."
        )
        assert 'data-level="warning"' in banner(alice_client)


def queries_of(client, path="/"):
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return [q["sql"] for q in captured if "network_incident" in q["sql"]]


@pytest.mark.parametrize("incidents", [0, 1, 6])
def test_it_costs_one_query_cold_and_none_warm(alice_client, sam, cold_cache, incidents):
    for n in range(incidents):
        actions.create_incident(
            by=sam,
            kind=Incident.Kind.INCIDENT,
            title=f"Outage {n}",
            impact=Incident.Impact.MAJOR,
            starts_at=timezone.now(),
            servers=[f"sg-web-{n}", f"sg-db-{n}"],
            message="Looking.",
        )
        actions.post_update(
            incident=Incident.objects.get(title=f"Outage {n}"),
            by=sam,
            state=Incident.State.IDENTIFIED,
            body="Found.",
        )
    alice_client.get("/support/tickets/")  # session and user are read once
    from network.status import forget

    forget()
    assert len(queries_of(alice_client)) == 1
    assert queries_of(alice_client) == []
    assert queries_of(alice_client, "/support/tickets/") == []


def test_a_change_shows_at_once(alice_client, sam, open_incident):
    banner(alice_client)
    actions.update_incident(incident=open_incident, by=sam, title="Email delays, sg-web-03")
    assert "Email delays, sg-web-03" in banner(alice_client)


def test_a_cache_that_cannot_be_reached_costs_a_query_not_the_page(
    alice_client, open_incident, monkeypatch
):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get", "set", "delete"):
        monkeypatch.setattr(cache, method, down)
    response = alice_client.get("/")
    assert response.status_code == 200
    assert "Email delivery delays on server sg-web-03" in response.content.decode()
