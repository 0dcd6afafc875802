"""Finding articles: ranking and stemming per language, the typo fallback, and never a
draft or an article meant for others (PostgreSQL full-text search; SQLite's plain
fallback at the end)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils.translation import override

from kb.models import Article
from kb.search import search_articles
from tests.kb.conftest import make_article

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's text search: the PostgreSQL pass of .ci/run runs these",
)


def titles(found):
    return [item.article.title for item in found]


@pytest.fixture
def payments(hosting):
    return make_article(
        hosting,
        "bank-transfer",
        "Confirm a bank transfer",
        "Send the receipt of the payments you made.",
        title_id="Konfirmasi transfer bank",
        body_id="Kirim bukti transfer setelah Anda bayar tagihan.",
    )


@postgresql_only
def test_english_stemming_finds_other_forms_of_a_word(alice, payments):
    with override("en"):
        assert titles(search_articles(alice, "payment")) == [payments.title]


@postgresql_only
def test_indonesian_stemming_finds_bayar_for_pembayaran(alice, payments):
    with override("id"):
        assert titles(search_articles(alice, "pembayaran")) == [payments.title]


@postgresql_only
def test_an_indonesian_word_is_not_stemmed_in_an_english_search(alice, payments):
    with override("en"):
        assert search_articles(alice, "pembayaran") == []


@postgresql_only
@pytest.mark.parametrize("language", ["en", "id"])
def test_a_title_match_ranks_above_a_body_match(alice, hosting, language):
    in_body = make_article(
        hosting, "b", "Mail settings", "Check the domain.", title_id="Pengaturan email",
        body_id="Periksa domain Anda.",
    )  # fmt: skip
    in_title = make_article(
        hosting, "t", "Domain transfer", "Move it to us.", title_id="Transfer domain",
        body_id="Pindahkan ke kami.", order=9,
    )  # fmt: skip
    with override(language):
        found = search_articles(alice, "domain")
    assert [item.article for item in found] == [in_title, in_body]


@postgresql_only
def test_websearch_syntax_or_not_and_phrases(alice, error_500, payments):
    with override("en"):
        either = titles(search_articles(alice, "plugin or receipt"))
        assert sorted(either) == sorted([error_500.title, payments.title])
        assert titles(search_articles(alice, "plugin -wordpress")) == []
        assert titles(search_articles(alice, '"bank transfer"')) == [payments.title]


@postgresql_only
def test_a_typo_falls_back_to_similar_titles(alice, error_500):
    with override("en"):
        assert titles(search_articles(alice, "wordpres eror")) == [error_500.title]


@postgresql_only
def test_the_snippet_marks_the_stemmed_match(alice, payments):
    with override("id"):
        (found,) = search_articles(alice, "pembayaran")
    assert ("bayar", True) in found.snippet


def test_a_draft_is_never_found_not_even_by_staff(alice, sam, draft, error_500):
    with override("en"):
        assert titles(search_articles(alice, "wordpress")) == [error_500.title]
        assert draft.title not in titles(search_articles(sam, "wordpress"))


def test_an_article_for_customers_is_found_only_after_login(alice, members_only):
    with override("en"):
        assert titles(search_articles(AnonymousUser(), "firewall")) == []
        assert titles(search_articles(alice, "firewall")) == [members_only.title]


def test_the_search_page_escapes_the_snippet(client, hosting):
    make_article(hosting, "x", "Tags", "Never paste <b>bold</b> <script>alert(1)</script> here.")
    page = client.get(reverse("kb:search"), {"q": "paste"}).content.decode()
    assert "<mark>paste</mark>" in page
    assert "<b>bold" not in page
    assert "<script>alert(1)" not in page


def test_the_search_page_says_when_nothing_matches(client, error_500):
    page = client.get(reverse("kb:search"), {"q": "zzzqqq"}).content.decode()
    assert "No article matches" in page


def test_every_word_must_match_in_the_plain_search(alice, error_500, payments):
    # Also true of PostgreSQL's websearch syntax (words are ANDed).
    with override("en"):
        assert titles(search_articles(alice, "plugin folder")) == [error_500.title]
        assert titles(search_articles(alice, "plugin receipt")) == []


def test_an_empty_query_finds_nothing(alice, error_500):
    assert search_articles(alice, "  ") == []
    assert search_articles(alice, "***") == []


def test_views_of_search_results_are_not_counted(alice_client, error_500):
    alice_client.get(reverse("kb:search"), {"q": "wordpress"})
    assert Article.objects.get(pk=error_500.pk).views == 0
