"""Pieces that the knowledgebase and the ticket search share: the query languages, the
highlighted snippets, and the PostgreSQL-only migrations.

Snippets travel as parts, `[(text, highlighted), ...]`: templates escape each text and
wrap the highlighted ones in <mark>; the JSON of the suggestions carries the same parts
and the page's script puts them in with textContent. No piece of a searched text ever
reaches a page as HTML.
"""

import re

from django.db import connection
from django.db.migrations.operations import RunSQL

# The PostgreSQL text-search configuration of each language of the Member Area.
CONFIGS = {"en": "english", "id": "indonesian"}
# ts_headline marks a match with these; a stored text never holds them (they are control
# characters), so splitting on them cannot be fooled into marking the wrong text.
START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
# A query longer than this is cut: nobody types more, and a huge query only costs time.
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)
# What Markdown leaves in a snippet cut out of an article's source.
MARKDOWN_NOISE = re.compile(r"\[([^\]]*)\]\([^)]*\)|[#*_`>|]+|^-{3,}$", re.MULTILINE)


def is_postgresql():
    return connection.vendor == "postgresql"


def clean_query(text):
    """The query as searched: trimmed, single-spaced, control characters gone, cut."""
    text = "".join(ch for ch in (text or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def words(text):
    return [word.lower() for word in WORD.findall(text or "")]


def marked_parts(text):
    """Parts of a ts_headline result (marks START ... STOP)."""
    parts = []
    highlighted = False
    for piece in re.split(f"([{START}{STOP}])", text or ""):
        if piece == START:
            highlighted = True
        elif piece == STOP:
            highlighted = False
        elif piece:
            parts.append((piece, highlighted))
    return parts


def strip_markdown(text):
    return " ".join(MARKDOWN_NOISE.sub(r"\1", text or "").split())


def plain_snippet(text, query, length=180):
    """Parts of a snippet around the first word of `query` found in `text`, with every
    word of the query highlighted: the SQLite fallback (no stemming)."""
    text = " ".join((text or "").split())
    wanted = [word for word in words(query) if len(word) > 1]
    lowered = text.lower()
    positions = [lowered.find(word) for word in wanted if lowered.find(word) >= 0]
    start = max(0, min(positions) - length // 3) if positions else 0
    cut = text[start : start + length]
    if start > 0:
        cut = "… " + cut
    if start + length < len(text):
        cut += " …"
    if not wanted:
        return [(cut, False)]
    pattern = re.compile("(" + "|".join(re.escape(word) for word in wanted) + ")", re.I)
    return [(piece, bool(pattern.fullmatch(piece))) for piece in pattern.split(cut) if piece]


class PostgreSQLOnly(RunSQL):
    """RunSQL that runs on PostgreSQL only: SQLite gets the plain search instead."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
