"""The indexes made for the big lists give those lists their order (PostgreSQL's plans).

With sorting and sequential scans priced out, PostgreSQL reads a list in its order only
from an index that matches the query's filter and ORDER BY exactly; if the query changes
(the queue's order, the statuses of a queue) and the index no longer fits, the plan shows a
Sort and these tests fail. How much the indexes save at a million tickets: bench/README.md.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import MessageFactory, TicketFactory
from tickets import queries
from tickets.models import Message, Ticket
from tickets.staff import queries as staff_queries


@pytest.fixture(autouse=True)
def _postgresql_with_sorts_priced_out(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's query plans: the PostgreSQL pass of .ci/run checks them")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")


def plan(queryset):
    return queryset.explain()


def test_a_department_queue_page_is_read_off_the_queue_index(sam, alice, technical):
    TicketFactory.create_batch(5, customer=alice, department=technical)
    queue = staff_queries.queue_tickets(sam, department=technical)[:26]
    text = plan(queue)
    assert "tickets_queue_order_idx" in text, text
    assert "Sort" not in text, text


def test_a_queue_of_one_status_uses_the_queue_index_too(sam, alice, technical):
    TicketFactory.create_batch(5, customer=alice, department=technical)
    queue = staff_queries.queue_tickets(sam, department=technical, status="awaiting")[:26]
    text = plan(queue)
    assert "tickets_queue_order_idx" in text, text
    assert "Sort" not in text, text


def test_the_admin_ticket_list_is_read_off_the_updated_index(alice, technical):
    TicketFactory.create_batch(5, customer=alice, department=technical)
    page = Ticket.objects.filter(department__in=[technical.pk]).order_by("-updated_at", "-id")
    text = plan(page[:50])
    assert "tickets_updated_id_idx" in text, text
    assert "Sort" not in text, text


def test_the_flood_limit_reads_a_customers_newest_posts_off_the_post_index(alice, technical):
    ticket = TicketFactory(customer=alice, department=technical)
    MessageFactory.create_batch(5, ticket=ticket, author=alice)
    recent = Message.objects.filter(
        author=alice, created_at__gt=timezone.now() - timedelta(minutes=10)
    ).order_by("-created_at")
    text = plan(recent.values("created_at")[4:5])
    assert "tickets_msg_author_time_idx" in text, text
    assert "Sort" not in text, text


def test_a_customers_active_tickets_are_read_off_their_index(alice, technical):
    TicketFactory.create_batch(5, customer=alice, department=technical)
    text = plan(queries.customer_tickets(alice, "active")[:25])
    # Its own partial index, or the index of all the customer's tickets in the same order
    # (the planner picks by size): either gives the order without a Sort.
    assert "tickets_customer_active_idx" in text or "tickets_customer_list_idx" in text, text
    assert "Sort" not in text, text


def test_a_page_of_all_a_customers_tickets_takes_its_ids_off_the_list_index(alice, technical):
    TicketFactory.create_batch(5, customer=alice, department=technical)
    ids = queries.customer_tickets(alice, "all").values_list("pk", flat=True)
    text = plan(ids[25:50])
    assert "tickets_customer_list_idx" in text, text
    assert "Sort" not in text, text


def test_the_flood_limit_reads_a_customers_newest_tickets_off_their_index(alice, technical):
    TicketFactory.create_batch(5, customer=alice, department=technical)
    recent = Ticket.objects.filter(
        customer=alice, created_at__gt=timezone.now() - timedelta(minutes=10)
    ).order_by("-created_at")
    text = plan(recent.values("created_at")[4:5])
    assert "tickets_customer_created_idx" in text, text
    assert "Sort" not in text, text
