"""Finding articles: the knowledgebase's search page and the suggestions while a customer
types a ticket's subject.

On PostgreSQL: full-text search in the reader's language (`english` or `indonesian`
stemming, so "pembayaran" finds "bayar"), the title weighted above the body, over
vectors that GIN expression indexes hold (kb/migrations/0002); `websearch` syntax
("quoted phrases", or, -not). When nothing matches, the words are compared with the titles
by trigram similarity (pg_trgm), so "wordpres eror" still finds the WordPress article.
On SQLite: every word must appear in the title or the body, no stemming (README).

Only articles the reader may see are ever searched: `Article.objects.visible_to(user)`,
published ones only (drafts never appear in a search, not even for staff).
"""

import re
from dataclasses import dataclass

from django.db.models import BooleanField, F, FloatField, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from .models import Article, current_language
from .text import (
    CONFIGS,
    HEADLINE_OPTIONS,
    clean_query,
    is_postgresql,
    marked_parts,
    plain_snippet,
    strip_markdown,
    words,
)

# The article's text in each language, exactly as the indexes of kb/migrations/0002 hold
# it (the plan tests check that the indexes serve these expressions). An empty Indonesian
# field falls back to the English text, as on the page.
TITLE = {
    "en": '"kb_article"."title"',
    "id": """COALESCE(NULLIF("kb_article"."title_id", ''), "kb_article"."title")""",
}
BODY = {
    "en": '"kb_article"."body"',
    "id": """COALESCE(NULLIF("kb_article"."body_id", ''), "kb_article"."body")""",
}
VECTOR = {
    language: (
        f"(setweight(to_tsvector('{config}'::regconfig, {TITLE[language]}), 'A') || "
        f"setweight(to_tsvector('{config}'::regconfig, {BODY[language]}), 'B'))"
    )
    for language, config in CONFIGS.items()
}
# Words of the query against the title (lower case) by trigram word similarity: the
# fallback for typos. pg_trgm's `<%` operator (word_similarity_threshold, 0.6) is what its
# GIN index serves.
TYPO_WORDS = 5
# A word of a prefix query: letters and digits only, never tsquery syntax.
TSQUERY_WORD = re.compile(r"[^\W_]+")


@dataclass
class Found:
    article: Article
    snippet: list  # [(text, highlighted), ...]


def _query_sql(text, config, prefix):
    """The tsquery of `text` as SQL and its parameters. With `prefix`, the words typed so
    far with the last one as a prefix match too ("wordpress err" finds "WordPress
    error"): for the suggestions while typing. The prefix query is built from words only
    (letters and digits), so nothing typed can be tsquery syntax."""
    sql, params = "websearch_to_tsquery(%s::regconfig, %s)", [config, text]
    typed = TSQUERY_WORD.findall(text.lower())[:8]
    if prefix and typed:
        sql = f"({sql} || to_tsquery(%s::regconfig, %s))"
        params += [config, " & ".join([*typed[:-1], f"{typed[-1]}:*"])]
    return sql, params


def search_articles(user, text, *, limit=10, prefix=False, language=None):
    """Published articles `user` may read that match `text`, best first, each with a
    highlighted snippet in the reader's language."""
    text = clean_query(text)
    if not words(text):
        return []
    language = language or current_language()
    articles = Article.objects.visible_to(user).published().select_related("category")
    if not is_postgresql():
        return _plain_search(articles, text, limit, language)
    query, params = _query_sql(text, CONFIGS[language], prefix)
    vector = VECTOR[language]
    found = list(
        articles.filter(RawSQL(f"{vector} @@ {query}", params, output_field=BooleanField()))  # noqa: S611
        .annotate(
            rank=RawSQL(f"ts_rank({vector}, {query})", params, output_field=FloatField()),  # noqa: S611
            headline=RawSQL(  # noqa: S611
                f"ts_headline(%s::regconfig, {BODY[language]}, {query}, %s)",
                [CONFIGS[language], *params, HEADLINE_OPTIONS],
                output_field=TextField(),
            ),
        )
        .order_by("-rank", "order", "pk")[:limit]
    )
    if found:
        return [Found(a, marked_parts(strip_markdown(a.headline))) for a in found]
    return _typo_search(articles, text, limit, language)


def _typo_search(articles, text, limit, language):
    """Titles that hold a word like one of the query's (pg_trgm word similarity)."""
    # The words searched for: not those the query excludes ("-wordpress"), not "or".
    wanted = " ".join(
        token for token in text.split() if not token.startswith("-") and token.lower() != "or"
    )
    typed = [word for word in words(wanted) if len(word) >= 3][:TYPO_WORDS]
    if not typed:
        return []
    title = f"lower({TITLE[language]})"
    similar = Q()
    scores = []
    for word in typed:
        similar |= Q(RawSQL(f"%s <%% {title}", [word], output_field=BooleanField()))  # noqa: S611
        scores.append(RawSQL(f"word_similarity(%s, {title})", [word], output_field=FloatField()))  # noqa: S611
    score = Greatest(*scores) if len(scores) > 1 else scores[0]
    found = list(
        articles.filter(similar).annotate(score=score).order_by("-score", "order", "pk")[:limit]
    )
    return [Found(a, _snippet(a, text)) for a in found]


def _snippet(article, text):
    with_language = strip_markdown(article.display_body)
    return plain_snippet(with_language, text)


def _plain_search(articles, text, limit, language):
    """SQLite: each word in the title or the body (in the reader's language), titles that
    hold the words first."""
    typed = words(text)[:8]
    condition = Q()
    for word in typed:
        english = Q(title__icontains=word) | Q(body__icontains=word)
        if language == "id":
            indonesian = Q(title_id__icontains=word) | Q(body_id__icontains=word)
            condition &= indonesian | (Q(title_id="") & english)
        else:
            condition &= english
    found = list(articles.filter(condition).order_by("order", "pk")[: limit * 3])
    found.sort(key=lambda a: -sum(word in a.display_title.lower() for word in typed))
    return [Found(a, _snippet(a, text)) for a in found[:limit]]


def touch(article_id, field):
    """Count one more view or avoided ticket, in one UPDATE (no read, no race)."""
    Article.objects.filter(pk=article_id).update(**{field: F(field) + 1})
