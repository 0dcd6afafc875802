"""The reports page: its figures on a hand-computed fixture, its filters, the CSV, and
who sees what."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from sla import rollups
from sla.models import Rating, Survey, TicketStat
from tests.factories import TicketFactory
from tickets.models import Ticket

from .conftest import at

URL = reverse("sla:reports")
PERIOD = {"start": "2026-11-02", "end": "2026-11-15"}


def ticket(
    department,
    opened,
    *,
    closed=None,
    fr=None,
    res=None,
    met=None,
    reopens=0,
    replies=0,
    assignee=None,
    priority="medium",
):
    row = TicketFactory(
        department=department,
        priority=priority,
        assignee=assignee,
        status="closed" if closed else "open",
    )
    Ticket.objects.filter(pk=row.pk).update(created_at=opened, closed_at=closed)
    TicketStat.objects.create(
        ticket=row,
        department=department,
        priority=priority,
        assignee=assignee,
        opened_at=opened,
        closed_at=closed,
        first_response_seconds=fr,
        resolution_seconds=res,
        sla_met=met,
        reopens=reopens,
        staff_replies=replies,
        computed_at=opened,
    )
    return row


def rate(row, score, when):
    Survey.objects.create(
        ticket=row,
        customer=row.customer,
        department=row.department,
        sent_at=row_closed(row),
        priority=row.priority,
        assignee=row.assignee,
        rated=bool(score),
    )
    if score:
        Rating.objects.create(
            ticket=row,
            customer=row.customer,
            assignee=row.assignee,
            priority=row.priority,
            score=score,
            department=row.department,
            created_at=when,
            updated_at=when,
        )


def row_closed(row):
    return TicketStat.objects.get(ticket=row).closed_at


@pytest.fixture
def fixture(technical, billing, sam, bill, clock):
    t1 = ticket(
        technical,
        at(2026, 11, 2, 10),
        closed=at(2026, 11, 3, 10),
        fr=600,
        res=3600,
        met=True,
        replies=1,
        assignee=sam,
        priority="high",
    )
    t2 = ticket(
        technical,
        at(2026, 11, 3, 10),
        closed=at(2026, 11, 5, 10),
        fr=1200,
        res=7200,
        met=False,
        reopens=1,
        replies=3,
        assignee=sam,
    )
    t3 = ticket(
        technical,
        at(2026, 11, 4, 10),
        closed=at(2026, 11, 10, 10),
        fr=1800,
        res=10800,
        met=True,
        replies=2,
    )
    ticket(technical, at(2026, 11, 10, 10), fr=5400)
    ticket(technical, at(2026, 11, 11, 10), priority="low")
    t6 = ticket(
        technical,
        at(2026, 10, 20, 10),
        closed=at(2026, 11, 12, 10),
        fr=100,
        res=36000,
        met=None,
        replies=4,
        priority="low",
    )
    t7 = ticket(
        billing,
        at(2026, 11, 5, 10),
        closed=at(2026, 11, 6, 10),
        fr=50,
        res=100,
        met=True,
        replies=1,
        assignee=bill,
    )
    ticket(technical, at(2026, 11, 16, 9))
    rate(t1, "good", at(2026, 11, 4, 10))
    rate(t2, "bad", at(2026, 11, 6, 10))
    rate(t3, "good", at(2026, 11, 11, 10))
    rate(t6, None, None)
    rate(t7, "good", at(2026, 11, 7, 10))
    rollups.rebuild()
    clock.to(at(2026, 11, 16, 12))


def figures(response):
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    split = rows.index([])
    return {label: value for label, value in rows[1:split]}, rows[split + 2 :]


def get_csv(client, **params):
    response = client.get(URL, {**PERIOD, **params, "format": "csv"})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return figures(response)


def test_the_figures_match_the_hand_computed_ones(sam_client, fixture):
    table, weeks = get_csv(sam_client)
    assert table == {
        "Tickets opened": "5",
        "Tickets closed": "4",
        "First response, median (hours)": "0.4",  # 1500 s
        "First response, 90th percentile (hours)": "1.2",  # 4320 s
        "Resolution, median (hours)": "2.5",  # 9000 s
        "Resolution, 90th percentile (hours)": "7.9",  # 28440 s
        "Service level met": "66.7",  # 2 of the 3 with a target
        "Reopen rate": "25.0",
        "Staff replies per ticket": "2.5",
        "Satisfaction (good / rated)": "66.7",
        "Ratings": "3",
        "Survey response rate (rated / surveyed)": "75.0",
        "Surveys sent": "4",
        "Backlog: under 1 day": "1",
        "Backlog: 1–3 days": "0",
        "Backlog: 3–7 days": "2",
        "Backlog: 7–30 days": "0",
        "Backlog: over 30 days": "0",
    }
    assert weeks == [
        ["2026-11-02", "3", "2", "0.3", "50.0"],  # median first response 1200 s
        ["2026-11-09", "2", "2", "1.5", "100.0"],
    ]


def test_filters_by_staff_member_and_priority(sam_client, fixture, sam):
    table, _weeks = get_csv(sam_client, staff=sam.pk)
    assert (table["Tickets opened"], table["Tickets closed"]) == ("2", "2")
    assert (table["Ratings"], table["Satisfaction (good / rated)"]) == ("2", "50.0")
    # Ratings count for the assignee they recorded, even after the ticket moved on.
    Ticket.objects.filter(assignee=sam).update(assignee=None)
    TicketStat.objects.filter(assignee=sam).update(assignee=None)
    rollups.rebuild()
    table, _weeks = get_csv(sam_client, staff=sam.pk)
    assert table["Ratings"] == "2"
    table, _weeks = get_csv(sam_client, priority="low")
    assert (table["Tickets opened"], table["Tickets closed"]) == ("1", "1")
    assert table["Service level met"] == ""


def test_staff_see_their_departments_only(client, fixture, bill, technical):
    client.force_login(bill)
    table, _weeks = get_csv(client)
    assert (table["Tickets opened"], table["Tickets closed"], table["Ratings"]) == ("1", "1", "1")
    response = client.get(URL, {**PERIOD, "department": technical.pk})
    assert response.status_code == 400


def test_a_superuser_sees_every_department(client, fixture, root):
    client.force_login(root)
    table, _weeks = get_csv(client)
    assert table["Tickets opened"] == "6"


def test_customers_are_refused_and_visitors_sent_to_log_in(client, alice):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(alice)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-11-15", "end": "2026-11-02"},
        {"start": "2025-01-01", "end": "2026-11-02"},
        {"start": "yesterday", "end": "2026-11-02"},
        {"start": "2026-11-02", "end": "2026-11-15", "priority": "urgent"},
    ],
)
def test_bad_filters_get_a_clear_message(sam_client, params):
    response = sam_client.get(URL, params)
    assert response.status_code == 400
    assert b"invalid-feedback" in response.content


def test_the_page_shows_the_figures_and_three_charts(sam_client, fixture):
    response = sam_client.get(URL, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3
    assert 'data-figure="opened"' in html
    # Nothing the Content-Security-Policy would block: no script or style element, no
    # style attribute.
    assert "<script>" not in html and "<style" not in html and " style=" not in html


def test_the_default_period_is_the_last_four_weeks(sam_client, fixture):
    response = sam_client.get(URL)
    assert response.status_code == 200
    assert b'value="2026-10-20"' in response.content and b'value="2026-11-16"' in response.content
    assert timezone.localdate().isoformat() == "2026-11-16"
