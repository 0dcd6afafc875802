"""Full-text and trigram indexes of the articles, on PostgreSQL only: exactly the
expressions of kb/search.py (VECTOR and TITLE), in English and in Indonesian (an empty
Indonesian field falls back to the English text)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from kb.text import PostgreSQLOnly

TITLE_ID = "COALESCE(NULLIF(title_id, ''), title)"
BODY_ID = "COALESCE(NULLIF(body_id, ''), body)"
INDEXES = {
    "kb_article_search_en_idx": (
        "gin ((setweight(to_tsvector('english'::regconfig, title), 'A') || "
        "setweight(to_tsvector('english'::regconfig, body), 'B')))"
    ),
    "kb_article_search_id_idx": (
        f"gin ((setweight(to_tsvector('indonesian'::regconfig, {TITLE_ID}), 'A') || "
        f"setweight(to_tsvector('indonesian'::regconfig, {BODY_ID}), 'B')))"
    ),
    "kb_article_title_trgm_en_idx": "gin (lower(title) gin_trgm_ops)",
    "kb_article_title_trgm_id_idx": f"gin (lower({TITLE_ID}) gin_trgm_ops)",
}


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_knowledgebase")]

    operations = [
        # pg_trgm, for the typo fallback here and the customer lookups of the ticket search.
        TrigramExtension(),
        *[
            PostgreSQLOnly(
            f"CREATE INDEX {name} ON kb_article USING {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
            for name, definition in INDEXES.items()
        ],
    ]
