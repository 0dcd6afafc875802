"""The ticket search's stored vectors and indexes (search/tickets.py), PostgreSQL only.

Messages and tickets get a stored generated column `search_vector`: the body (the
subject) stemmed in English and in Indonesian, computed by PostgreSQL on every insert and
update, so no code has to keep it current and a search never recomputes it. A GIN index
finds the rows of a rare word; the newest-messages index reads the newest rows first for a
common one. The columns are not model fields: only search/tickets.py reads them, in SQL.
SQLite gets nothing here: its plain search reads the tables.

Adding a stored column rewrites the table (minutes for millions of messages, during which
the table is locked); the indexes are then built CONCURRENTLY, outside a transaction.
"""

from django.db import migrations

from kb.text import PostgreSQLOnly

VECTOR = "to_tsvector('english'::regconfig, {0}) || to_tsvector('indonesian'::regconfig, {0})"
COLUMNS = {"tickets_message": "body", "tickets_ticket": "subject"}
INDEXES = {
    # Words of message bodies and subjects.
    "search_message_text_idx": "tickets_message USING gin (search_vector)",
    "search_ticket_subject_idx": "tickets_ticket USING gin (search_vector)",
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
        # pg_trgm is enabled there.
        ("kb", "0002_search_indexes"),
        ("accounts", "0003_staff_index"),
        ("tickets", "0008_customer_list_indexes"),
    ]

    operations = [
        *[
            PostgreSQLOnly(
                f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
                f"GENERATED ALWAYS AS ({VECTOR.format(column)}) STORED",
                reverse_sql=f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
            )
            for table, column in COLUMNS.items()
        ],
        *[
            PostgreSQLOnly(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            )
            for name, definition in INDEXES.items()
        ],
    ]
