"""`manage.py seed_demo` fills the knowledgebase with articles that answer the demo tickets,
in both languages, and a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from kb.models import Article

pytestmark = pytest.mark.django_db


def test_the_demo_has_published_articles_in_both_languages_for_the_demo_tickets():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    published = Article.objects.published()
    assert published.count() >= 8
    assert not published.filter(title_id="").exists()
    assert not published.filter(body_id="").exists()
    titles = " ".join(published.values_list("title", flat=True))
    for words in ("Error 500 Internal Server Error", "MX records", "bukti transfer", "DNS"):
        assert words in titles, words
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert published.filter(audience=Article.Audience.CUSTOMERS).exists()


def test_running_it_again_adds_nothing():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    count = Article.objects.count()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert Article.objects.count() == count
