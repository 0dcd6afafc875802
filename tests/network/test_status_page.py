"""The public status page /status/ and its Atom feed: no login, three lists, each incident
with its updates, nothing about any customer, at most three queries, cacheable."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network import actions
from network.models import Incident
from tests.factories import ServiceFactory, TicketFactory, UserFactory

STATUS_QUERIES = 3


def maintenance(sam, title, starts_in, hours=2, server="sg-db-02"):
    start = timezone.now() + starts_in
    return actions.create_incident(
        by=sam,
        kind=Incident.Kind.MAINTENANCE,
        title=title,
        impact=Incident.Impact.MINOR,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        servers=[server],
        message=f"{title}: planned.",
    )


def resolved(sam, title, ended_ago):
    incident = actions.create_incident(
        by=sam,
        kind=Incident.Kind.INCIDENT,
        title=title,
        impact=Incident.Impact.MINOR,
        starts_at=timezone.now() - ended_ago - timedelta(hours=1),
        servers=["sg-web-09"],
        message=f"{title}: looking into it.",
    )
    actions.post_update(
        incident=incident, by=sam, state=Incident.State.RESOLVED, body=f"{title}: fixed."
    )
    Incident.objects.filter(pk=incident.pk).update(ends_at=timezone.now() - ended_ago)
    return incident


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_it_is_public_and_lists_current_upcoming_and_recent(client, sam, open_incident):
    maintenance(sam, "Disk swap next week", timedelta(days=7))
    maintenance(sam, "Far away maintenance", timedelta(days=20))
    resolved(sam, "Router reboot last week", timedelta(days=6))
    resolved(sam, "Old outage", timedelta(days=20))

    response = client.get("/status/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Email delivery delays on server sg-web-03" in section(html, "current-heading")
    assert "The mail queue is stuck behind a full disk." in html
    assert "Disk swap next week" in section(html, "upcoming-heading")
    assert "Far away maintenance" not in html
    recent = section(html, "resolved-heading")
    assert "Router reboot last week" in recent
    assert "Router reboot last week: fixed." in recent
    assert "Router reboot last week: looking into it." in recent
    assert "Old outage" not in html


def test_it_says_all_is_well_without_incidents(client, db):
    html = client.get("/status/").content.decode()
    assert "All systems operational." in html
    assert "No maintenance is scheduled." in html


def test_it_speaks_indonesian(client, open_incident):
    html = client.get("/status/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Status jaringan" in html
    assert "Keterlambatan pengiriman email di server sg-web-03" in html
    assert "Antrean email tertahan karena disk penuh." in html


def test_it_shows_no_customer_data(client, sam, open_incident, alice, alice_on_sg_web_03):
    """Linked tickets, their customers, services and domains never reach the page or feed."""
    ticket = TicketFactory(customer=alice, subject="My shop alice-shop.co.id has no mail")
    actions.link_tickets(incident=open_incident, tickets=[ticket], by=sam)
    actions.post_update(
        incident=open_incident,
        by=sam,
        state=Incident.State.MONITORING,
        body="Mail flows again; we are watching the queue.",
        broadcast=True,
    )
    for path in ("/status/", "/status/feed/"):
        text = client.get(path).content.decode()
        for private in (
            alice.email,
            alice.name,
            "alice-shop.co.id",
            ticket.number,
            ticket.subject,
            sam.email,
            sam.name,
        ):
            assert private not in text, f"{private!r} on {path}"


def test_it_is_cacheable(alice, db):
    response = Client().get("/status/")
    assert "public" in response["Cache-Control"]
    assert "max-age=30" in response["Cache-Control"]
    browser = Client()
    browser.force_login(alice)
    logged_in = browser.get("/status/")
    assert "private" in logged_in["Cache-Control"]
    assert "public" not in logged_in["Cache-Control"]


def grow(sam, rounds):
    for n in range(rounds):
        incident = maintenance(sam, f"Maintenance {n}", timedelta(days=2 + n % 10), server=f"m{n}")
        actions.update_incident(incident=incident, by=sam, servers=[f"m{n}", f"n{n}"])
        resolved(sam, f"Outage {n}", timedelta(days=1 + n % 10))
        customer = UserFactory()
        ServiceFactory(owner=customer, server=f"m{n}")


@pytest.mark.parametrize("rounds", [0, 8])
def test_it_costs_three_queries_with_little_and_more_data(client, sam, open_incident, rounds):
    grow(sam, rounds)
    client.get("/status/")  # the banner's cache, as on a running site
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/status/")
    assert response.status_code == 200
    assert len(queries) == STATUS_QUERIES, [q["sql"] for q in queries]


def test_the_feed_is_atom_with_every_update(client, sam, open_incident):
    actions.post_update(
        incident=open_incident, by=sam, state=Incident.State.MONITORING, body="Queue drained."
    )
    response = client.get("/status/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "public" in response["Cache-Control"]
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    titles = [entry.find(f"{atom}title").text for entry in entries]
    assert titles == [
        "Email delivery delays on server sg-web-03 — Monitoring",
        "Email delivery delays on server sg-web-03 — Identified",
    ]
    assert entries[0].find(f"{atom}summary").text == "Queue drained."
