"""Customers whose services run on an affected server are told on the dashboard; on Open
New Ticket, choosing such a service shows the incident first, and a ticket opened anyway
is linked to the incident."""

import uuid

from network.models import IncidentEvent, IncidentTicket
from tickets.models import Ticket


def test_the_dashboard_tells_the_customer_whose_service_is_affected(
    alice_client, alice_on_sg_web_03, open_incident
):
    html = alice_client.get("/").content.decode()
    assert "This affects your service Cloud Hosting Business - alice-shop.co.id." in html
    assert "The mail queue is stuck behind a full disk." in html


def test_other_customers_see_the_banner_only(bob_client, bob_on_sg_web_05, open_incident):
    html = bob_client.get("/").content.decode()
    assert "This affects your service" not in html
    assert "data-network-banner" in html


def test_a_recovered_server_no_longer_affects_the_service(
    alice_client, sam, alice_on_sg_web_03, open_incident
):
    from network import actions

    server = open_incident.servers.get()
    actions.mark_server_recovered(incident=open_incident, server=server, by=sam)
    assert "This affects your service" not in alice_client.get("/").content.decode()


def form_url():
    return "/support/tickets/new/technical-support/"


def test_the_form_carries_the_notice_of_the_affected_service(
    alice_client, alice_on_sg_web_03, open_incident
):
    html = alice_client.get(form_url()).content.decode()
    assert f'data-incident-notice data-service="{alice_on_sg_web_03.pk}"' in html
    assert "Email delivery delays on server sg-web-03" in html
    assert "The mail queue is stuck behind a full disk." in html
    assert "Follow the status page" in html
    assert "Open the ticket anyway" in html


def test_the_form_has_no_notice_for_unaffected_services(
    bob_client, bob_on_sg_web_05, open_incident
):
    assert "data-incident-notice" not in bob_client.get(form_url()).content.decode()


def open_with(client, service):
    return client.post(
        form_url(),
        {
            "subject": "No mail since this morning",
            "service": service.pk if service else "",
            "priority": "medium",
            "body": "Nothing arrives.",
            "submission_token": str(uuid.uuid4()),
        },
    )


def test_a_ticket_opened_anyway_is_linked_to_the_incident(
    alice_client, alice, alice_on_sg_web_03, open_incident
):
    response = open_with(alice_client, alice_on_sg_web_03)
    assert response.status_code == 302
    ticket = Ticket.objects.get(customer=alice)
    link = IncidentTicket.objects.get(ticket=ticket)
    assert link.incident == open_incident
    assert IncidentEvent.objects.filter(
        incident=open_incident, action=IncidentEvent.Action.TICKETS_LINKED
    ).exists()


def test_a_ticket_about_an_unaffected_service_is_not_linked(
    bob_client, bob, bob_on_sg_web_05, open_incident
):
    assert open_with(bob_client, bob_on_sg_web_05).status_code == 302
    assert not IncidentTicket.objects.filter(ticket__customer=bob).exists()


def count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # the cached status filled, as on a running site
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_notices_cost_no_query_on_the_dashboard_and_one_on_the_form(
    alice_client, alice, sam, alice_on_sg_web_03
):
    from datetime import timedelta

    from django.utils import timezone

    from network import actions
    from network.models import Incident
    from tests.factories import ServiceFactory

    before = {path: count_queries(alice_client, path) for path in ("/", form_url())}
    for n in range(5):
        actions.create_incident(
            by=sam,
            kind=Incident.Kind.INCIDENT,
            title=f"Outage {n}",
            impact=Incident.Impact.MAJOR,
            starts_at=timezone.now() - timedelta(minutes=5),
            servers=["sg-web-03", f"sg-db-{n}"],
            message="Looking into it.",
        )
        ServiceFactory(owner=alice, server=f"sg-db-{n}")
    html = alice_client.get("/").content.decode()
    assert html.count("This affects your service") == 10
    assert count_queries(alice_client, "/") == before["/"]
    # The customer's services on the affected servers, read once for all the notices.
    assert count_queries(alice_client, form_url()) == before[form_url()] + 1
