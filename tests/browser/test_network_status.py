"""The network status in a real browser: the banner and "This affects your service" on the
dashboard, the Open New Ticket notice with "Follow the status page" and "Open the ticket
anyway" (a ticket opened anyway is linked to the incident), and staff posting an update to
every linked ticket."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from network import actions
from network.models import Incident, IncidentTicket
from tickets.models import Ticket

pytestmark = pytest.mark.browser

TITLE = "Email delivery delays on server sg-web-03"
LATEST = "The mail queue of sg-web-03 is stuck behind a full disk. We are freeing space."


@pytest.fixture
def incident(sam, alice_hosting, bob_hosting):
    alice_hosting.server = "sg-web-03"
    alice_hosting.save(update_fields=["server"])
    bob_hosting.server = "sg-web-05"
    bob_hosting.save(update_fields=["server"])
    incident = actions.create_incident(
        by=sam,
        kind=Incident.Kind.INCIDENT,
        title=TITLE,
        title_id="Keterlambatan pengiriman email di server sg-web-03",
        impact=Incident.Impact.MAJOR,
        state=Incident.State.IDENTIFIED,
        starts_at=timezone.now() - timedelta(minutes=50),
        servers=["sg-web-03"],
        message=LATEST,
        message_id="Antrean email sg-web-03 tertahan karena disk penuh.",
    )
    start = (timezone.now() + timedelta(days=7)).replace(hour=22, minute=0, second=0)
    actions.create_incident(
        by=sam,
        kind=Incident.Kind.MAINTENANCE,
        title="Planned maintenance of server sg-db-02",
        impact=Incident.Impact.MINOR,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        servers=["sg-db-02"],
        message="New disks for sg-db-02. Databases stay readable.",
    )
    return incident


def choose_service(page, service):
    page.goto("/support/tickets/new/technical-support/")
    page.get_by_label("Related Service").select_option(label=str(service))


def test_a_ticket_opened_anyway_is_linked_to_the_incident(
    page, login, screenshot, alice, alice_hosting, password, incident
):
    login(page, alice.email, password)
    banner = page.get_by_role("region", name="Network status").first
    expect(banner).to_contain_text(TITLE)
    expect(page.get_by_text("This affects your service")).to_contain_text("alice-shop.co.id")
    screenshot(page, "network-dashboard")

    page.goto("/support/tickets/new/technical-support/")
    notice = page.locator("[data-incident-notice]")
    expect(notice).to_be_hidden()
    page.get_by_label("Subject").fill("No email since this morning")
    page.get_by_label("Related Service").select_option(label=str(alice_hosting))
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(TITLE)
    expect(notice).to_contain_text(LATEST)
    expect(page.get_by_label("Message")).to_be_disabled()
    expect(page.get_by_role("button", name="Submit")).to_be_disabled()
    screenshot(page, "network-open-ticket-notice")

    notice.get_by_role("button", name="Open the ticket anyway").click()
    expect(notice).to_be_hidden()
    page.get_by_label("Message").fill("Customers say their emails bounce.")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("alert").filter(has_text="has been opened")).to_be_visible()
    ticket = Ticket.objects.get(customer=alice)
    expect(page).to_have_url(re.compile(rf"/support/tickets/{ticket.number}/$"))
    assert IncidentTicket.objects.filter(incident=incident, ticket=ticket).exists()


def test_follow_the_status_page_leads_to_the_incident(
    page, login, screenshot, alice, alice_hosting, password, incident
):
    login(page, alice.email, password)
    choose_service(page, alice_hosting)
    page.get_by_role("link", name="Follow the status page").first.click()
    expect(page).to_have_url(re.compile(rf"/status/#incident-{incident.pk}$"))
    expect(page.get_by_role("heading", name="Current incidents")).to_be_visible()
    expect(page.locator(f"#incident-{incident.pk}")).to_contain_text(LATEST)
    expect(page.get_by_role("heading", name="Scheduled maintenance (next 14 days)")).to_be_visible()
    assert not Ticket.objects.exists()
    page.goto("/status/")
    screenshot(page, "network-status")


def test_a_customer_whose_service_is_not_affected_sees_the_banner_only(
    page, login, bob, bob_hosting, password, incident
):
    login(page, bob.email, password)
    expect(page.get_by_role("region", name="Network status").first).to_contain_text(TITLE)
    expect(page.get_by_text("This affects your service")).to_have_count(0)
    choose_service(page, bob_hosting)
    expect(page.locator("[data-incident-notice]")).to_have_count(0)
    expect(page.get_by_label("Message")).to_be_enabled()


def test_staff_post_an_update_to_every_linked_ticket(
    page, login, screenshot, sam, alice, alice_hosting, password, incident, technical
):
    from tickets import actions as ticket_actions

    ticket = ticket_actions.open_ticket(
        customer=alice,
        department=technical,
        service=alice_hosting,
        subject="No email since this morning",
        body="Customers say their emails bounce.",
    )
    login(page, sam.email, password)
    page.goto(ticket.get_staff_url())
    box = page.locator("[data-ticket-incidents]")
    box.get_by_role("button", name="Link").click()
    expect(page.locator("[data-ticket-incidents]")).to_contain_text(TITLE)
    assert IncidentTicket.objects.filter(ticket=ticket).exists()

    page.goto("/staff/queues/technical-support/")
    expect(
        page.locator(f'tr[data-number="{ticket.number}"] [data-linked-incident]')
    ).to_be_visible()
    screenshot(page, "network-staff-queue")

    page.goto(incident.get_staff_url())
    page.get_by_label("State").select_option(label="Monitoring")
    page.locator("#id_body").fill("Mail flows again; delayed messages go out.")
    page.get_by_label("Post an update to all linked tickets").check()
    screenshot(page, "network-staff-incident")
    page.get_by_role("button", name="Post update").click()
    expect(page.get_by_role("alert").filter(has_text="being written")).to_be_visible()
    expect(page.locator("[data-incident-state]")).to_have_text("Monitoring")
    assert ticket.messages.filter(body="Mail flows again; delayed messages go out.").exists()
