"""Knowledgebase fixtures: one category, and articles published for everyone, for
logged-in customers only, and a draft. The rate-limit counters start from zero."""

import pytest
from django.core.cache import cache

from kb.models import Article, Category


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hosting(db):
    return Category.objects.create(
        slug="websites", name="Websites", name_id="Situs web", description="Web errors."
    )


def make_article(category, slug, title, body, **extra):
    extra.setdefault("status", Article.Status.PUBLISHED)
    return Article.objects.create(category=category, slug=slug, title=title, body=body, **extra)


@pytest.fixture
def error_500(hosting):
    return make_article(
        hosting,
        "error-500",
        "Fix Error 500 on WordPress",
        "A plugin update usually causes it. Rename the plugins folder.",
        title_id="Mengatasi Error 500 di WordPress",
        body_id="Biasanya disebabkan pembaruan plugin. Ganti nama folder plugins.",
    )


@pytest.fixture
def members_only(hosting):
    return make_article(
        hosting,
        "server-ip-list",
        "Our server IP addresses for WordPress firewalls",
        "The addresses to allow in a WordPress firewall.",
        audience=Article.Audience.CUSTOMERS,
    )


@pytest.fixture
def draft(hosting):
    return make_article(
        hosting,
        "wordpress-7-draft",
        "WordPress 7 upgrade notes",
        "Not announced yet.",
        status=Article.Status.DRAFT,
    )
