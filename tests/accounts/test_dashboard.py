"""The Member Area home: greeting, the customer's services and active tickets."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.models import Service
from tests.factories import ServiceFactory
from tests.tickets.helpers import open_ticket
from tickets import actions
from tickets.models import Ticket

DASHBOARD = reverse("dashboard")


def test_dashboard_greets_the_customer_by_name(alice_client):
    page = alice_client.get(DASHBOARD)
    assert page.status_code == 200
    assert "Welcome back, Alice" in page.content.decode()


def test_dashboard_lists_the_customers_services_with_product_domain_status_and_due_date(
    alice_client, alice, bob_hosting
):
    ServiceFactory(
        owner=alice,
        product_name="Cloud Hosting Business",
        domain="alice-shop.co.id",
        status=Service.Status.ACTIVE,
        next_due_date=date(2031, 3, 14),
    )
    ServiceFactory(
        owner=alice,
        kind=Service.Kind.DOMAIN,
        product_name="Domain registration",
        domain="alice-old.com",
        status=Service.Status.SUSPENDED,
        next_due_date=None,
    )
    html = alice_client.get(DASHBOARD).content.decode()
    for header in ("Product", "Domain", "Status", "Next due date"):
        assert f">{header}</th>" in html
    assert "Cloud Hosting Business" in html
    assert "alice-shop.co.id" in html
    assert "March 14, 2031" in html
    assert "Domain registration" in html
    assert "alice-old.com" in html
    assert "Suspended" in html
    assert "bob-bakery.com" not in html


def test_dashboard_says_so_when_the_customer_has_no_services(alice_client):
    assert "You have no services yet." in alice_client.get(DASHBOARD).content.decode()


def test_dashboard_lists_only_the_customers_active_tickets(alice_client, alice, bob, technical):
    active = open_ticket(alice, technical, subject="Email not working on alice-shop.co.id")
    closed = open_ticket(alice, technical, subject="Old problem that is solved")
    actions.close_ticket(ticket=closed, by=alice)
    bobs = open_ticket(bob, technical, subject="Bob's oven website is down")
    html = alice_client.get(DASHBOARD).content.decode()
    assert f"#{active.number} Email not working on alice-shop.co.id" in html
    assert active.get_absolute_url() in html
    assert closed.number not in html
    assert bobs.number not in html
    assert "Bob&#x27;s oven" not in html


def test_dashboard_offers_to_open_a_ticket(alice_client):
    html = alice_client.get(DASHBOARD).content.decode()
    assert "You have no active tickets." in html
    assert f'href="{reverse("tickets:open")}"' in html


def test_dashboard_queries_do_not_grow_with_tickets_and_services(alice_client, alice, technical):
    open_ticket(alice, technical)
    ServiceFactory(owner=alice)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(DASHBOARD)
    for _ in range(15):
        open_ticket(alice, technical)
        ServiceFactory(owner=alice)
    with CaptureQueriesContext(connection) as many:
        alice_client.get(DASHBOARD)
    assert len(many) == len(few)
    assert Ticket.objects.filter(customer=alice).count() == 16


def test_dashboard_shows_the_ten_most_recently_updated_active_tickets_newest_first(
    alice_client, alice, bob, technical
):
    tickets = [open_ticket(alice, technical, subject=f"Problem {n:02d}") for n in range(12)]
    open_ticket(bob, technical, subject="Bob's newest problem")
    actions.add_reply(ticket=tickets[0], author=alice, body="Still broken")  # now the newest
    html = alice_client.get(DASHBOARD).content.decode()
    shown = sorted(
        (t for t in tickets if f"#{t.number} " in html), key=lambda t: html.index(f"#{t.number} ")
    )
    # The one just updated, then the newest nine others: 11, 10, ... 3.
    assert shown == [tickets[0], *tickets[11:2:-1]]
    assert "Bob&#x27;s newest problem" not in html
