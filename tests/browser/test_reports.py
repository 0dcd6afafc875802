"""The reports page in Chromium: figures, three charts drawn on the server, the filters,
the CSV download, and nothing refused by the Content-Security-Policy."""

import random
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sla import rollups
from sla.models import Rating, Survey, TicketStat
from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def history(technical, billing, sam):
    """Eight weeks of tickets in Sam's department (and some in Billing), with figures,
    surveys and ratings."""
    rng = random.Random(15)
    now = timezone.now()
    customers = [UserFactory() for _ in range(6)]
    for day in range(56):
        for _n in range(rng.randint(2, 6)):
            department = technical if rng.random() < 0.8 else billing
            opened = now - timedelta(days=day, hours=rng.uniform(0, 20))
            closed = opened + timedelta(hours=rng.uniform(1, 60)) if day > 2 else None
            if closed and closed > now:
                closed = None
            ticket = TicketFactory(
                customer=rng.choice(customers),
                department=department,
                priority=rng.choice(["low", "medium", "medium", "high"]),
                status="closed" if closed else rng.choice(["open", "customer_reply"]),
                assignee=sam if department == technical and rng.random() < 0.5 else None,
            )
            Ticket.objects.filter(pk=ticket.pk).update(created_at=opened, closed_at=closed)
            # (Saving the ticket computed its figures already; these are the history's.)
            TicketStat.objects.update_or_create(
                ticket=ticket,
                defaults=dict(
                    department=department,
                    priority=ticket.priority,
                    assignee=ticket.assignee,
                    opened_at=opened,
                    closed_at=closed,
                    first_response_seconds=int(rng.uniform(300, 4 * 3600 + day * 120)),
                    resolution_seconds=int(rng.uniform(3600, 40 * 3600)) if closed else None,
                    sla_met=(rng.random() < 0.85) if closed else None,
                    reopens=1 if closed and rng.random() < 0.08 else 0,
                    staff_replies=rng.randint(1, 4),
                    computed_at=now,
                ),
            )
            if closed and rng.random() < 0.7:
                rated = rng.random() < 0.5
                Survey.objects.create(
                    ticket=ticket,
                    customer=ticket.customer,
                    department=department,
                    sent_at=closed,
                    priority=ticket.priority,
                    assignee=ticket.assignee,
                    rated=rated,
                )
                if rated:
                    score = rng.choices(["good", "okay", "bad"], [7, 2, 1])[0]
                    Rating.objects.create(
                        ticket=ticket,
                        customer=ticket.customer,
                        score=score,
                        department=department,
                        assignee=ticket.assignee,
                        priority=ticket.priority,
                        created_at=closed + timedelta(hours=1),
                        updated_at=closed + timedelta(hours=1),
                    )


@pytest.fixture(autouse=True)
def _rolled_up(history):
    rollups.rebuild()


def test_staff_read_the_reports_filter_them_and_download_the_csv(
    page, login, sam, password, history, screenshot
):
    page.add_init_script(LISTEN)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    login(page, sam.email, password)
    page.get_by_role("link", name="Queues").first.click()
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()

    figures = page.locator(".report-figures")
    expect(figures.locator('[data-figure="opened"] td')).not_to_have_text("0")
    expect(figures.locator('[data-figure="csat"] td')).to_contain_text("%")
    for name in ["Weekly volume", "First response time", "Customer satisfaction"]:
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 300
    assert page.locator("#chart-volume rect").count() >= 8  # two bars a week, a legend
    screenshot(page, "staff-reports")

    opened_all = int(figures.locator('[data-figure="opened"] td').inner_text())
    page.get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"priority=high"))
    opened_high = int(figures.locator('[data-figure="opened"] td').inner_text())
    assert 0 < opened_high < opened_all

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert content.startswith("Figure,Value")
    assert f"Tickets opened,{opened_high}" in content

    assert page.evaluate("window.__cspViolations") == []
    assert problems == []


def test_a_period_the_wrong_way_round_says_so(page, login, sam, password):
    login(page, sam.email, password)
    page.goto("/staff/reports/?start=2026-11-15&end=2026-11-01")
    expect(page.get_by_text("The end of the period must not be before its start.")).to_be_visible()
