"""Indexes of the ticket search (search/tickets.py), on PostgreSQL only.

Built CONCURRENTLY, outside a transaction: on a live database with millions of messages
the tickets stay writable while the indexes are made. Each expression is exactly the one
search/tickets.py queries (tests/search/test_plans.py checks that the plans use them).
SQLite gets no index here: its plain search reads the tables.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from search.text import PostgreSQLOnly

INDEXES = {
    # Words of message bodies and subjects, stemmed in English and in Indonesian.
    "search_message_text_idx": (
        "tickets_message USING gin ((to_tsvector('english'::regconfig, body) || "
        "to_tsvector('indonesian'::regconfig, body)))"
    ),
    "search_ticket_subject_idx": (
        "tickets_ticket USING gin ((to_tsvector('english'::regconfig, subject) || "
        "to_tsvector('indonesian'::regconfig, subject)))"
    ),
    # The newest messages first: a word found in many messages is read in this order,
    # the newest matches first, until a page is full.
    "search_message_newest_idx": "tickets_message (created_at DESC, id DESC)",
    # A part of a customer's email or name, or a name with a typo (pg_trgm).
    "search_user_email_trgm_idx": "accounts_user USING gin (lower(email) gin_trgm_ops)",
    "search_user_name_trgm_idx": "accounts_user USING gin (lower(name) gin_trgm_ops)",
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0003_staff_index"),
        ("tickets", "0008_customer_list_indexes"),
    ]

    operations = [
        TrigramExtension(),
        *[
            PostgreSQLOnly(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            )
            for name, definition in INDEXES.items()
        ],
    ]
