"""The queue's Due column in Chromium: coloured labels with text, and "due soonest" order
by clicking the column's heading."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sla import store
from sla.models import Target
from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def queue(alice, sam, technical):
    """Three tickets: one long overdue (Low), one fresh (High), one answered (paused)."""
    for priority in ("low", "medium", "high"):
        Target.objects.update_or_create(
            department=technical,
            priority=priority,
            defaults={
                "first_response_minutes": 60,
                "resolution_minutes": 8 * 60,
                "business_hours": False,
            },
        )
    tickets = {}
    for name, priority, age in [
        ("Overdue mailbox", "low", timedelta(hours=5)),
        ("Fresh outage", "high", timedelta(minutes=10)),
        ("Waiting on the customer", "high", timedelta(minutes=20)),
    ]:
        ticket = actions.open_ticket(
            customer=alice, department=technical, subject=name, body="?", priority=priority
        )
        opened = timezone.now() - age
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=opened, waiting_since=opened, last_reply_at=opened
        )
        ticket.refresh_from_db()
        tickets[name] = ticket
    actions.add_reply(ticket=tickets["Waiting on the customer"], author=sam, body="Which domain?")
    store.refresh([t.pk for t in tickets.values()])
    return tickets


def test_staff_see_due_labels_and_sort_by_due_soonest(
    page, login, sam, password, queue, screenshot
):
    login(page, sam.email, password)
    page.goto("/staff/queues/technical-support/")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(3)
    overdue = rows.filter(has_text="Overdue mailbox").locator("[data-due] .badge")
    expect(overdue).to_have_text("Response overdue 4 h")
    expect(overdue).to_have_class("badge text-bg-danger sla-due sla-overdue")
    fresh = rows.filter(has_text="Fresh outage").locator("[data-due] .badge")
    expect(fresh).to_have_text(re.compile(r"Response due in (49|50) min"))
    expect(rows.filter(has_text="Waiting on the customer").locator("[data-due]")).to_have_text(
        "paused"
    )
    # Queue order: High first.
    expect(rows.first).to_contain_text("Fresh outage")

    page.get_by_role("link", name="Due", exact=True).click()
    expect(rows.first).to_contain_text("Overdue mailbox")
    expect(rows.last).to_contain_text("Waiting on the customer")
    screenshot(page, "staff-queue-due")
    # Filtering keeps the order.
    page.get_by_role("button", name="Filter").click()
    expect(rows.first).to_contain_text("Overdue mailbox")
