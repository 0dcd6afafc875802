"""What staff see: "due in 42 min" / "overdue 3 h" on the queue and the ticket page, the
queue in "due soonest" order, and the query counts of the pages."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sla import store
from tests.factories import StaffFactory, TicketFactory, UserFactory
from tickets import actions

from .conftest import at

QUEUE = reverse("staff:queue", args=["technical-support"])


def open_ticket(customer, department, subject, priority="medium"):
    return actions.open_ticket(
        customer=customer, department=department, subject=subject, body="?", priority=priority
    )


def due_cells(html):
    rows = re.findall(r'<tr data-number="(\d+)">.*?data-due>(.*?)</td>', html, re.S)
    return [(number, re.sub(r"<[^>]+>", "", cell).strip()) for number, cell in rows]


def test_the_queue_shows_due_and_overdue_and_sorts_by_due_soonest(
    sam_client, alice, sam, technical, set_target, clock
):
    set_target(technical, "high", first_response=60, resolution=8 * 60)
    set_target(technical, "low", first_response=3 * 60, resolution=45 * 60)
    clock.to(at(2026, 11, 16, 8, 0))
    late = open_ticket(alice, technical, "Late", priority="low")
    clock.to(at(2026, 11, 16, 11, 0))
    soon = open_ticket(alice, technical, "Soon", priority="high")
    clock.to(at(2026, 11, 16, 11, 10))
    answered = open_ticket(alice, technical, "Answered", priority="high")
    actions.add_reply(ticket=answered, author=sam, body="Done?")
    store.refresh([late.pk, soon.pk, answered.pk])

    clock.to(at(2026, 11, 16, 11, 18))
    html = sam_client.get(QUEUE).content.decode()
    cells = dict(due_cells(html))
    assert cells[soon.number] == "Response due in 42 min"
    assert 'data-sla="due"' in html
    clock.to(at(2026, 11, 16, 11, 40))
    html = sam_client.get(QUEUE).content.decode()
    assert dict(due_cells(html))[soon.number] == "Response due in 20 min"
    assert 'data-sla="soon"' in html
    assert cells[answered.number] == "paused"

    clock.to(at(2026, 11, 16, 15, 0))
    html = sam_client.get(QUEUE).content.decode()
    cells = dict(due_cells(html))
    assert cells[late.number] == "Response overdue 4 h"
    assert 'data-sla="overdue"' in html

    # Queue order: High first. Due soonest: the overdue Low ticket first, paused last.
    assert [n for n, _c in due_cells(html)] == [soon.number, answered.number, late.number]
    html = sam_client.get(QUEUE, {"sort": "due"}).content.decode()
    assert [n for n, _c in due_cells(html)] == [late.number, soon.number, answered.number]
    assert '<input type="hidden" name="sort" value="due">' in html


def test_the_staff_ticket_page_shows_both_clocks(
    sam_client, alice, sam, technical, set_target, clock
):
    set_target(technical, "medium", first_response=60, resolution=4 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical, "Mail bounces")
    clock.to(at(2026, 11, 16, 9, 30))
    actions.add_reply(ticket=ticket, author=sam, body="Checking", new_status="in_progress")
    clock.to(at(2026, 11, 16, 13, 30))
    html = sam_client.get(ticket.get_staff_url()).content.decode()
    first = re.search(r'data-sla-clock="first_response">(.*?)</dd>', html, re.S).group(1)
    resolution = re.search(r'data-sla-clock="resolution">(.*?)</dd>', html, re.S).group(1)
    assert ">met<" in first
    assert "overdue 30 min" in resolution


def test_bill_cannot_see_a_technical_ticket_nor_its_clocks(client, bill, alice, technical):
    ticket = open_ticket(alice, technical, "Mail bounces")
    client.force_login(bill)
    assert client.get(ticket.get_staff_url()).status_code == 404
    assert client.get(QUEUE).status_code == 404


def count(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_reports_page_makes_the_same_queries_with_more_data(
    sam_client, alice, sam, technical, set_target
):
    set_target(technical, "medium", first_response=60, resolution=4 * 60)
    url = reverse("sla:reports")
    few = count(sam_client, url)
    csv_few = count(sam_client, url, format="csv")
    for _ in range(5):
        customer = UserFactory()
        for ticket in TicketFactory.create_batch(3, customer=customer, department=technical):
            actions.add_reply(ticket=ticket, author=sam, body="Hi")
            actions.close_ticket(ticket=ticket, by=sam)
        StaffFactory(departments=[technical])
    store.refresh(list(technical.tickets.values_list("pk", flat=True)))
    from sla.satisfaction import record_rating

    for ticket in technical.tickets.filter(status="closed")[:4]:
        record_rating(ticket=ticket, score="good")
    assert count(sam_client, url) == few
    assert count(sam_client, url, format="csv") == csv_few
    # Session, user, the session's verified device (two-factor), the department and staff
    # choices, then the figures: the period's daily rollups, the ratings by week, the
    # surveys, and the backlog.
    assert few == csv_few == 9


def test_the_queue_sorted_by_due_makes_the_same_queries(sam_client, alice, technical):
    open_ticket(alice, technical, "One")
    few = count(sam_client, QUEUE, sort="due")
    for n in range(6):
        open_ticket(UserFactory(), technical, f"More {n}")
    # Session, user, the verified device, the queue's page.
    assert count(sam_client, QUEUE, sort="due") == few == 5


def test_the_link_pages_make_the_same_queries_with_more_data(client, alice, sam, technical):
    from sla import links
    from sla.satisfaction import record_rating

    ticket = open_ticket(alice, technical, "Rated")
    actions.add_reply(ticket=ticket, author=sam, body="Done")
    other = open_ticket(alice, technical, "Closable")
    actions.add_reply(ticket=other, author=sam, body="Done?")
    actions.close_ticket(ticket=ticket, by=sam)
    rate, close = links.rate_url(ticket, "good"), links.close_url(other)
    few = (count(client, rate), count(client, close))
    for n in range(4):
        actions.add_reply(ticket=ticket, author=alice, body=f"More {n}")
        actions.add_reply(ticket=ticket, author=StaffFactory(departments=[technical]), body="Ok")
        actions.add_reply(ticket=other, author=alice, body=f"More {n}")
        done = open_ticket(UserFactory(), technical, f"Other {n}")
        actions.add_reply(ticket=done, author=sam, body="Done")
        actions.close_ticket(ticket=done, by=sam)
        record_rating(ticket=done, score="good")
    actions.close_ticket(ticket=ticket, by=sam)
    record_rating(ticket=ticket, score="okay")
    # The ticket (with customer and department), its rating; the close page: the ticket.
    assert (count(client, rate), count(client, close)) == few == (2, 1)
