"""Open New Ticket suggests knowledgebase articles while the customer types the subject,
and staff insert a knowledgebase link into a reply."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from kb.models import Article, Category
from tickets import actions

pytestmark = pytest.mark.browser

FORM = "/support/tickets/new/technical-support/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def articles(db):
    category = Category.objects.create(slug="web", name="Websites", name_id="Situs web")
    made = {
        "error": Article.objects.create(
            category=category,
            slug="error-500",
            title="Fix Error 500 on WordPress",
            title_id="Mengatasi Error 500 di WordPress",
            body="A plugin update usually causes <b>it</b>. Rename the plugins folder.",
            body_id="Biasanya karena pembaruan plugin. Ganti nama folder plugins.",
            status=Article.Status.PUBLISHED,
        ),
        "draft": Article.objects.create(
            category=category,
            slug="wordpress-draft",
            title="WordPress secret draft",
            body="Not yet.",
            status=Article.Status.DRAFT,
        ),
    }
    return made


def suggestions(page):
    return page.locator("[data-kb-suggest]")


def test_articles_appear_under_the_subject_from_the_third_character(
    page, login, alice, password, articles, screenshot
):
    login(page, alice.email, password)
    page.goto(FORM)
    subject = page.get_by_label("Subject")
    subject.press_sequentially("wo", delay=20)
    page.wait_for_timeout(600)
    expect(suggestions(page)).to_be_hidden()
    subject.press_sequentially("rdpress", delay=20)
    box = suggestions(page)
    expect(box).to_be_visible()
    expect(box).to_contain_text("These articles may answer your question")
    link = box.get_by_role("link", name="Fix Error 500 on WordPress")
    expect(link).to_have_attribute("target", "_blank")
    expect(box).not_to_contain_text("secret draft")
    # Right under the Subject field, above Related Service.
    subject_box = subject.bounding_box()
    box_top = box.bounding_box()["y"]
    assert subject_box["y"] < box_top < page.get_by_label("Related Service").bounding_box()["y"]
    # The snippet highlights the words and shows the article's text as text.
    subject.press_sequentially(" plugin", delay=20)
    expect(box.locator("mark").first).to_have_text("plugin")
    assert box.locator("b").count() == 0
    screenshot(page, "kb-suggestions")


def test_this_solved_my_problem_counts_and_leaves_the_form(page, login, alice, password, articles):
    login(page, alice.email, password)
    page.goto(FORM)
    page.get_by_label("Subject").fill("WordPress plugin error")
    page.get_by_label("Message").fill("My text stays.")
    box = suggestions(page)
    box.get_by_role("button", name="This solved my problem").click()
    expect(box).to_contain_text("You do not need to open a ticket")
    assert Article.objects.get(slug="error-500").tickets_avoided == 1
    expect(page.get_by_label("Message")).to_have_value("My text stays.")
    expect(page.get_by_label("Subject")).to_have_value("WordPress plugin error")
    assert page.url.endswith(FORM)


def test_an_indonesian_customer_gets_indonesian_articles(page, login, alice, password, articles):
    login(page, alice.email, password)
    alice.refresh_from_db()
    alice.language = "id"  # the saved language is used on every page after login
    alice.save()
    page.goto(FORM)
    page.get_by_label("Subjek").fill("wordpress plugin")
    expect(suggestions(page)).to_contain_text("Mengatasi Error 500 di WordPress")
    expect(suggestions(page)).to_contain_text("Ini menyelesaikan masalah saya")


def test_staff_insert_a_knowledgebase_link_into_the_reply(
    page, login, sam, alice, technical, password, articles, screenshot
):
    ticket = actions.open_ticket(
        customer=alice, department=technical, subject="Error 500", body="Help."
    )
    login(page, sam.email, password)
    page.goto(ticket.get_staff_url())
    page.get_by_label("Knowledgebase link").fill("wordpress")
    page.get_by_role("button", name="Fix Error 500 on WordPress").click()
    body = page.locator("textarea[name=body]")
    expect(body).to_have_value(
        "Fix Error 500 on WordPress: http://127.0.0.1:8000/support/kb/article/error-500/"
    )
    # The search box of the staff pages finds the ticket by a word of its first message.
    page.get_by_label("Search tickets").fill("help")
    page.get_by_label("Search tickets").press("Enter")
    expect(page.locator("main")).to_contain_text(f"#{ticket.number} Error 500")
    screenshot(page, "staff-search")
