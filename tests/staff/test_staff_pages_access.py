"""Who reaches the staff pages: staff of the ticket's department and superusers. Anyone
else's view of another department's ticket is a 404, like a ticket that does not exist."""

import pytest
from django.test import Client

from tests.factories import StaffFactory
from tests.staff.pages import logged_in, queue_numbers
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def staff_urls(ticket):
    return [
        "/staff/",
        "/staff/tickets/",
        f"/staff/queues/{ticket.department.slug}/",
        f"/staff/tickets/{ticket.number}/",
        "/staff/settings/",
    ]


def post_urls(ticket):
    return [
        f"/staff/tickets/{ticket.number}/reply/",
        f"/staff/tickets/{ticket.number}/update/",
        f"/staff/tickets/{ticket.number}/assign-to-me/",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(alice_ticket):
    client = Client()
    for url in staff_urls(alice_ticket) + post_urls(alice_ticket):
        method = client.post if url in post_urls(alice_ticket) else client.get
        response = method(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/?next=/staff/"), url


def test_customers_are_refused_every_staff_page(alice_client, alice_ticket):
    for url in staff_urls(alice_ticket):
        assert alice_client.get(url).status_code == 403, url
    for url in post_urls(alice_ticket):
        assert alice_client.post(url, {"body": "hi"}).status_code == 403, url
    alice_ticket.refresh_from_db()
    assert alice_ticket.messages.count() == 1


def test_staff_of_the_department_open_every_staff_page(sam_client, alice_ticket):
    for url in staff_urls(alice_ticket):
        assert sam_client.get(url).status_code == 200, url


def test_billing_staff_get_404_on_a_technical_ticket_and_queue(bill_client, alice_ticket):
    number = alice_ticket.number
    assert bill_client.get(f"/staff/tickets/{number}/").status_code == 404
    assert bill_client.get("/staff/queues/technical-support/").status_code == 404
    reply = bill_client.post(f"/staff/tickets/{number}/reply/", {"body": "Let me see"})
    assert reply.status_code == 404
    update = bill_client.post(
        f"/staff/tickets/{number}/update/", {"status": "closed", "priority": "low"}
    )
    assert update.status_code == 404
    assert bill_client.post(f"/staff/tickets/{number}/assign-to-me/").status_code == 404
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.OPEN
    assert alice_ticket.assignee is None
    assert alice_ticket.messages.count() == 1


def test_a_missing_ticket_is_the_same_404(bill_client):
    assert bill_client.get("/staff/tickets/999999/").status_code == 404


def test_billing_staff_do_not_see_technical_tickets_in_any_list(
    bill_client, alice_ticket, alice_billing_ticket
):
    for url in ["/staff/", "/staff/tickets/", "/staff/tickets/?status=all"]:
        html = bill_client.get(url).content.decode()
        assert alice_ticket.number not in html, url
        assert "Technical Support" not in html, url
    assert queue_numbers(bill_client.get("/staff/tickets/")) == [alice_billing_ticket.number]
    assert queue_numbers(bill_client.get(f"/staff/tickets/?q={alice_ticket.number}")) == []


def test_a_superuser_sees_every_department(root_client, alice_ticket, alice_billing_ticket):
    assert root_client.get(f"/staff/tickets/{alice_ticket.number}/").status_code == 200
    numbers = queue_numbers(root_client.get("/staff/tickets/"))
    assert sorted(numbers) == sorted([alice_ticket.number, alice_billing_ticket.number])
    overview = root_client.get("/staff/").content.decode()
    for name in ["Technical Support", "Billing &amp; Payments", "Sales &amp; Marketing"]:
        assert name in overview


def test_a_staff_member_without_department_sees_empty_queues(client, alice_ticket):
    client.force_login(StaffFactory())
    assert "not a member of any department" in client.get("/staff/").content.decode()
    assert client.get(f"/staff/tickets/{alice_ticket.number}/").status_code == 404


def test_the_main_navigation_shows_queues_to_staff_only(sam, alice):
    assert 'href="/staff/"' in logged_in(sam).get("/").content.decode()
    assert 'href="/staff/"' not in logged_in(alice).get("/").content.decode()
