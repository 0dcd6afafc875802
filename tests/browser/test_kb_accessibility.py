"""axe-core finds no serious or critical violation on the knowledgebase and search pages
(the suggestions showing), in both languages. As tests/browser/test_accessibility.py."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from kb.demo import seed_articles
from tests.browser.test_accessibility import axe_violations, log_in
from tickets import actions

pytestmark = pytest.mark.browser


@pytest.fixture
def context_options(context_options):
    return {**context_options, "bypass_csp": True}


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("id", "id-ID")])
def test_the_knowledgebase_and_search_pages_have_no_serious_or_critical_violation(
    browser, live_server, context_options, alice, sam, technical, password, language, locale
):
    cache.clear()
    seed_articles()
    actions.open_ticket(
        customer=alice, department=technical, subject="WordPress error", body="Plugin broke."
    )
    alice.language = sam.language = language
    alice.save()
    sam.save()
    context = browser.new_context(base_url=live_server.url, **{**context_options, "locale": locale})
    page = context.new_page()
    found = {}
    log_in(page, alice.email, password)
    for name, url in [
        ("knowledgebase", "/support/kb/"),
        ("category", "/support/kb/category/websites/"),
        ("article", "/support/kb/article/wordpress-error-500-internal-server-error/"),
        ("knowledgebase search", "/support/kb/search/?q=dns"),
        ("knowledgebase search, nothing", "/support/kb/search/?q=zzzqqq"),
        ("my tickets search", "/support/search/?q=plugin"),
    ]:
        page.goto(url)
        found[name] = axe_violations(page)
    page.goto("/support/tickets/new/technical-support/")
    page.locator("input[name=subject]").fill("wordpress plugin")
    expect(page.locator("[data-kb-suggest]")).to_be_visible()
    found["suggestions"] = axe_violations(page)
    context.clear_cookies()
    log_in(page, sam.email, password)
    page.goto("/staff/search/?q=plugin")
    found["staff search"] = axe_violations(page)
    context.close()
    failures = [f"{name}: {issue}" for name, issues in found.items() for issue in issues]
    assert not failures, "\n".join(failures)
