"""A department's queue: its active tickets by priority, then by how long the customer has
waited; the columns; the filters; bounded pages."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.staff.pages import logged_in, queue_numbers
from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

QUEUE = "/staff/queues/technical-support/"


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def opened_ago(open_for, customer, department, delta, now, **kwargs):
    with time_machine.travel(now - delta, tick=False):
        return open_for(customer, department, **kwargs)


def test_it_sorts_by_priority_then_by_the_longest_wait(sam, alice, bob, technical, open_for, now):
    low_old = opened_ago(
        open_for, alice, technical, timedelta(days=3), now, priority=Ticket.Priority.LOW
    )
    medium_new = opened_ago(open_for, bob, technical, timedelta(hours=1), now)
    high_new = opened_ago(
        open_for, alice, technical, timedelta(minutes=5), now, priority=Ticket.Priority.HIGH
    )
    medium_old = opened_ago(open_for, alice, technical, timedelta(hours=9), now)
    high_old = opened_ago(
        open_for, bob, technical, timedelta(hours=2), now, priority=Ticket.Priority.HIGH
    )
    # Answered: the customer is not waiting; it comes after the waiting ones of its priority.
    medium_answered = opened_ago(open_for, bob, technical, timedelta(days=5), now)
    actions.add_reply(ticket=medium_answered, author=sam, body="Fixed.")

    with time_machine.travel(now, tick=False):
        numbers = queue_numbers(logged_in(sam).get(QUEUE))
    assert numbers == [
        high_old.number,
        high_new.number,
        medium_old.number,
        medium_new.number,
        medium_answered.number,
        low_old.number,
    ]


def test_a_customer_reply_after_a_staff_reply_restarts_the_wait(sam, alice, technical, open_for):
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=10), tick=False):
        ticket = open_for(alice, technical)
    with time_machine.travel(start - timedelta(hours=6), tick=False):
        actions.add_reply(ticket=ticket, author=sam, body="Please try again.")
    with time_machine.travel(start - timedelta(hours=3, minutes=12), tick=False):
        actions.add_reply(ticket=ticket, author=alice, body="Still broken.")
    with time_machine.travel(start, tick=False):
        html = logged_in(sam).get(QUEUE).content.decode()
    row = html.split(f'<tr data-number="{ticket.number}">', 1)[1].split("</tr>", 1)[0]
    assert "3 h 12 min" in row
    assert "Customer" in row  # last reply by


def test_each_row_shows_the_columns_staff_need(
    sam, tess, alice, alice_hosting, technical, open_for
):
    ticket = open_for(alice, technical, service=alice_hosting, priority=Ticket.Priority.HIGH)
    actions.update_ticket(ticket=ticket, by=sam, assignee=tess)
    actions.add_reply(ticket=ticket, author=tess, body="On it", new_status="in_progress")
    html = logged_in(sam).get(QUEUE).content.decode()
    row = html.split(f'<tr data-number="{ticket.number}">', 1)[1].split("</tr>", 1)[0]
    for text in [
        f"#{ticket.number}",
        ticket.subject,
        "alice@example.com",
        "alice-shop.co.id",
        "High",
        "In Progress",
        "Tess Technical",
    ]:
        assert text in row, text
    assert re.search(r"Tess Technical <span[^>]*>staff</span>", row)


def test_closed_tickets_are_not_in_the_queue_unless_asked(sam, alice, technical, open_for):
    active = open_for(alice, technical)
    closed = open_for(alice, technical, subject="Old question")
    actions.close_ticket(ticket=closed, by=alice)
    client = logged_in(sam)
    assert queue_numbers(client.get(QUEUE)) == [active.number]
    assert queue_numbers(client.get(QUEUE + "?status=closed")) == [closed.number]
    assert sorted(queue_numbers(client.get(QUEUE + "?status=all"))) == sorted(
        [active.number, closed.number]
    )


def test_it_filters_by_status_priority_and_assignee(sam, tess, alice, technical, open_for):
    mine = open_for(alice, technical, subject="Mine", priority=Ticket.Priority.LOW)
    actions.update_ticket(ticket=mine, by=sam, assignee=sam)
    theirs = open_for(alice, technical, subject="Theirs")
    actions.update_ticket(ticket=theirs, by=tess, assignee=tess)
    nobodys = open_for(alice, technical, subject="Nobody's", priority=Ticket.Priority.HIGH)
    answered = open_for(alice, technical, subject="Answered")
    actions.add_reply(ticket=answered, author=sam, body="Done")
    client = logged_in(sam)

    assert queue_numbers(client.get(QUEUE + "?assignee=me")) == [mine.number]
    unassigned = queue_numbers(client.get(QUEUE + "?assignee=unassigned"))
    assert unassigned == [nobodys.number, answered.number]
    assert len(queue_numbers(client.get(QUEUE + "?assignee="))) == 4
    assert queue_numbers(client.get(QUEUE + "?priority=high")) == [nobodys.number]
    assert queue_numbers(client.get(QUEUE + "?status=answered")) == [answered.number]
    awaiting = queue_numbers(client.get(QUEUE + "?status=awaiting"))
    assert sorted(awaiting) == sorted([mine.number, theirs.number, nobodys.number])
    assert queue_numbers(client.get(QUEUE + "?status=awaiting&assignee=me&priority=low")) == [
        mine.number
    ]


def test_it_searches_number_subject_and_customer_email(sam, alice, bob, technical, open_for):
    first = open_for(alice, technical, subject="Website Error 500")
    second = open_for(bob, technical, subject="Mailbox full")
    client = logged_in(sam)
    assert queue_numbers(client.get(QUEUE, {"q": first.number})) == [first.number]
    assert queue_numbers(client.get(QUEUE, {"q": f"#{second.number}"})) == [second.number]
    assert queue_numbers(client.get(QUEUE, {"q": "mailbox"})) == [second.number]
    assert queue_numbers(client.get(QUEUE, {"q": "ALICE@example"})) == [first.number]
    assert queue_numbers(client.get(QUEUE, {"q": "nothing like it"})) == []


def test_bad_filter_values_show_the_default_queue(sam, alice, technical, open_for):
    ticket = open_for(alice, technical)
    response = logged_in(sam).get(QUEUE, {"status": "bogus", "priority": "x", "page": "abc"})
    assert response.status_code == 200
    assert queue_numbers(response) == [ticket.number]


def test_it_pages_without_counting_and_keeps_the_filters(sam, alice, technical, open_for, settings):
    settings.TICKETS_PER_PAGE = 2
    for n in range(5):
        open_for(alice, technical, subject=f"Problem {n}")
    client = logged_in(sam)
    first = client.get(QUEUE, {"q": "Problem"})
    html = first.content.decode()
    assert len(queue_numbers(first)) == 2
    assert "?q=Problem&amp;page=2" in html
    assert "Previous" not in html
    third = client.get(QUEUE, {"q": "Problem", "page": 3})
    assert len(queue_numbers(third)) == 1
    html = third.content.decode()
    assert "?q=Problem&amp;page=2" in html
    assert ">Next<" not in html
    seen = set()
    for page in (1, 2, 3):
        seen.update(queue_numbers(client.get(QUEUE, {"q": "Problem", "page": page})))
    assert len(seen) == 5


def test_all_my_departments_lists_every_queue_of_mine(sam, alice, technical, sales, open_for):
    sam.departments.add(sales)
    first = open_for(alice, technical)
    second = open_for(alice, sales, subject="Quote for a VPS")
    html = logged_in(sam).get("/staff/tickets/")
    assert sorted(queue_numbers(html)) == sorted([first.number, second.number])
    assert "Sales &amp; Marketing" in html.content.decode()
