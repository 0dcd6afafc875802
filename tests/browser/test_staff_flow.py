"""The staff side in a real browser: a staff member opens the Technical Support queue,
answers the demo customer's ticket with a predefined reply, and the customer sees it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tickets.models import Ticket

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "netdigi-demo"
SUBJECT = "Website budi-store.co.id Error 500 Internal Server"
CANNED = "Error 500: fixed after a PHP memory increase"


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", stdout=StringIO())
    return Ticket.objects.get(subject=SUBJECT)


def test_staff_answers_the_demo_ticket_with_a_predefined_reply(
    page, login, screenshot, demo, browser, context_options, live_server
):
    login(page, "staff@example.com", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Queues"
    ).click()
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    technical = page.locator('tr[data-department="technical-support"]')
    expect(technical.locator('[data-count="awaiting"]')).to_have_text("2")
    screenshot(page, "staff-queues")

    page.get_by_role("link", name="Technical Support").click()
    expect(page.get_by_role("heading", name="Technical Support")).to_be_visible()
    rows = page.locator("tr[data-number]")
    # The High-priority ticket comes first.
    expect(rows.first).to_contain_text(SUBJECT)
    expect(rows.first).to_contain_text("High")
    screenshot(page, "staff-queue")

    page.get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    expect(page.get_by_text("I updated a WooCommerce plugin")).to_be_visible()
    page.get_by_label("Predefined reply").select_option(label=CANNED)
    page.get_by_role("button", name="Insert").click()
    box = page.get_by_label("Message")
    expect(box).to_have_value(re.compile(r"^Hello Budi,\n\nThe Error 500 came from PHP"))
    expect(box).to_have_value(re.compile(r"Regards,\nDewi Staff$"))
    # Inserting sent nothing: still only the customer's post.
    expect(page.locator("article.thread-message")).to_have_count(1)
    screenshot(page, "staff-ticket")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("alert")).to_contain_text("Reply sent to the customer.")
    expect(page.locator("article.thread-message")).to_have_count(2)
    expect(page.locator("article.thread-message").last).to_contain_text("memory_limit to 256M")
    expect(page.locator("p.event-line").last).to_contain_text(
        "changed the status from Open to Answered"
    )
    demo.refresh_from_db()
    assert demo.status == Ticket.Status.ANSWERED

    # The customer, in a browser of her own, sees the reply and the status.
    customer = browser.new_context(base_url=live_server.url, **context_options).new_page()
    login(customer, "customer@example.com", DEMO_PASSWORD)
    customer.goto(f"/support/tickets/{demo.number}/")
    expect(customer.get_by_text("memory_limit to 256M")).to_be_visible()
    expect(customer.locator("aside")).to_contain_text("Answered")
    expect(customer.get_by_text("Dewi Staff").first).to_be_visible()
    screenshot(customer, "customer-sees-staff-reply")
    customer.context.close()


def test_billing_staff_see_only_their_queue(page, login, demo):
    login(page, "billing@example.com", DEMO_PASSWORD)
    page.goto("/staff/")
    expect(page.locator("tr[data-department]")).to_have_count(1)
    expect(page.locator('tr[data-department="billing-payments"]')).to_be_visible()
    response = page.goto(f"/staff/tickets/{demo.number}/")
    assert response.status == 404
