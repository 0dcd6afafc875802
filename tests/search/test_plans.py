"""The search indexes serve the search queries (PostgreSQL's plans).

With sequential scans priced out, PostgreSQL reaches the rows through an index only if
one fits the query's expression exactly: if the vector expression of search/tickets.py or
kb/search.py drifts from the index of the migrations (search/0001, kb/0002), these fail.
How fast they are at a million tickets: bench/README.md.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb import search as kb_search
from search import tickets as ticket_search
from tests.factories import MessageFactory, TicketFactory
from tests.kb.conftest import make_article
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_with_scans_priced_out(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's query plans: the PostgreSQL pass of .ci/run checks them")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def set_local(*settings):
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")


@pytest.fixture
def tickets(alice, technical):
    for ticket in TicketFactory.create_batch(5, customer=alice, department=technical):
        MessageFactory.create_batch(2, ticket=ticket, body="The website shows an error.")


def test_the_stored_vectors_are_searched_through_their_gin_indexes(tickets):
    # The conditions of search/tickets.py on their own: with little data the planner
    # prefers other indexes for the whole query; at a million tickets it takes these for
    # rare words (bench/README.md).
    for table, vector, index in (
        ("tickets_message m", ticket_search.MESSAGE_VECTOR, "search_message_text_idx"),
        ("tickets_ticket t", ticket_search.SUBJECT_VECTOR, "search_ticket_subject_idx"),
    ):
        sql = f"SELECT 1 FROM {table} WHERE {vector} @@ {ticket_search.QUERY}"  # noqa: S608
        text = explain(sql, {"q": "invoice"})
        assert index in text, text


def test_a_common_word_is_read_newest_first_and_never_past_the_walk(tickets, technical):
    # The newest rows in the order of their indexes, at most WALK of each table: no
    # sort of every match, and no reading of the whole table.
    sql, params = ticket_search.hits_sql("website", departments=[technical.pk], common=(True, True))
    text = explain(sql, params)
    assert "search_message_newest_idx" in text, text
    assert "tickets_updated_id_idx" in text, text
    assert params["walk"] == ticket_search.WALK


def test_postgresql_estimates_how_common_a_word_is_and_how_large_the_tables_are(alice, technical):
    for ticket in TicketFactory.create_batch(40, customer=alice, department=technical):
        MessageFactory.create_batch(5, ticket=ticket, body="The website shows an error.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_message; ANALYZE tickets_ticket")
    (messages, subjects), (message_rows, ticket_rows) = ticket_search.estimates("website")
    assert message_rows == pytest.approx(Message.objects.count(), rel=0.2)
    assert ticket_rows == pytest.approx(Ticket.objects.count(), rel=0.2)
    assert messages > message_rows / 2
    (rare, _subjects), _rows = ticket_search.estimates("kangaroo")
    assert rare < messages / 10


def test_an_email_is_found_through_the_unique_email_index(root, alice):
    with CaptureQueriesContext(connection) as queries:
        ticket_search.find_customers(None, "alice@example.com")
    text = explain(queries[0]["sql"], None)
    assert "accounts_user_email_ci_unique" in text, text


def test_a_part_of_a_name_or_email_uses_the_trigram_indexes(root, alice):
    # (A name most customers share is read off the primary key instead, newest first.)
    set_local("enable_indexscan = off")
    with CaptureQueriesContext(connection) as queries:
        ticket_search.find_customers(None, "wijaya")
    text = explain(queries[0]["sql"], None)
    assert "search_user_name_trgm_idx" in text, text
    assert "search_user_email_trgm_idx" in text, text


def test_a_customers_tickets_are_read_off_the_customer_index(root, alice, tickets):
    # A few rows in a test database: price out sorting and the other index of a customer's
    # tickets, as the queue plan tests do, so only an index that gives the order is left.
    set_local("enable_sort = off", "enable_seqscan = off", "enable_bitmapscan = off")
    text = ticket_search.customer_tickets(None, alice.pk)[:25].explain()
    assert "tickets_customer_list_idx" in text, text


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_article_vectors_searched_are_the_ones_indexed(hosting, language):
    make_article(hosting, "a", "Error 500", "Rename the plugins.")
    vector = kb_search.VECTOR[language]
    sql = f"SELECT 1 FROM kb_article WHERE {vector} @@ to_tsquery('x')"  # noqa: S608
    text = explain(sql, None)
    assert f"kb_article_search_{language}_idx" in text, text


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_typo_fallback_compares_the_indexed_titles(hosting, language):
    make_article(hosting, "a", "WordPress error", "Rename the plugins.")
    title = kb_search.TITLE[language]
    text = explain(f"SELECT 1 FROM kb_article WHERE 'wordpres' <% lower({title})", None)  # noqa: S608
    assert f"kb_article_title_trgm_{language}_idx" in text, text
