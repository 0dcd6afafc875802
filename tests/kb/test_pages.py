"""Support > Knowledgebase: categories and articles, for whom they are meant only."""

import pytest
from django.urls import reverse

from kb.models import Article

pytestmark = pytest.mark.django_db


def test_the_support_menu_links_the_knowledgebase(alice_client):
    page = alice_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("kb:index")}"' in page


def test_the_index_lists_categories_with_their_visible_article_count(
    alice_client, error_500, members_only, draft
):
    page = alice_client.get(reverse("kb:index")).content.decode()
    assert "Websites" in page
    assert "2 articles" in page  # the draft is not counted


def test_a_visitor_before_login_counts_only_articles_for_everyone(
    client, error_500, members_only, draft
):
    page = client.get(reverse("kb:index")).content.decode()
    assert "1 article" in page


def test_a_category_lists_its_published_articles(alice_client, error_500, draft):
    page = alice_client.get(reverse("kb:category", args=["websites"])).content.decode()
    assert error_500.title in page
    assert draft.title not in page


def test_an_article_page_renders_the_markdown(alice_client, error_500):
    error_500.body = "## Steps\n\n1. **Rename** the folder"
    error_500.save()
    page = alice_client.get(error_500.get_absolute_url()).content.decode()
    assert "<h2>Steps</h2>" in page
    assert "<strong>Rename</strong>" in page


def test_an_article_reads_in_indonesian_for_an_indonesian_customer(alice, client, error_500):
    alice.language = "id"
    alice.save()
    client.force_login(alice)
    page = client.get(error_500.get_absolute_url()).content.decode()
    assert "Mengatasi Error 500 di WordPress" in page
    assert "Ganti nama folder plugins" in page


def test_an_empty_indonesian_text_shows_the_english_one(alice, client, members_only):
    alice.language = "id"
    alice.save()
    client.force_login(alice)
    page = client.get(members_only.get_absolute_url()).content.decode()
    assert members_only.title in page


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_a_draft_is_a_404_for_anyone_but_staff(client, alice, draft, who):
    if who == "alice":
        client.force_login(alice)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_on_the_site(sam_client, draft):
    response = sam_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "only staff can see this article" in response.content.decode()


def test_an_article_for_customers_only_is_a_404_before_login(client, members_only):
    assert client.get(members_only.get_absolute_url()).status_code == 404


def test_an_article_for_customers_only_opens_after_login(alice_client, members_only):
    assert alice_client.get(members_only.get_absolute_url()).status_code == 200


def test_an_article_for_everyone_opens_before_login(client, error_500):
    assert client.get(error_500.get_absolute_url()).status_code == 200


def test_customer_views_are_counted_and_staff_views_are_not(alice_client, sam, error_500):
    alice_client.get(error_500.get_absolute_url())
    alice_client.get(error_500.get_absolute_url())
    alice_client.force_login(sam)
    alice_client.get(error_500.get_absolute_url())
    assert Article.objects.get(pk=error_500.pk).views == 2
