"""Staff write articles in the admin, see them rendered, and see how they are used."""

import pytest
from django.urls import reverse

from kb.models import Article, Vote

pytestmark = pytest.mark.django_db


def test_the_article_list_shows_views_votes_and_tickets_avoided(
    client, root, alice, bob, error_500
):
    Article.objects.filter(pk=error_500.pk).update(views=12, tickets_avoided=3)
    Vote.objects.create(article=error_500, user=alice, helpful=True)
    Vote.objects.create(article=error_500, user=bob, helpful=False)
    client.force_login(root)
    page = client.get(reverse("admin:kb_article_changelist")).content.decode()
    row = page[page.index('class="field-title"') :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[1:]]
    assert cells[3:7] == ["12", "1", "1", "3"], cells


def test_the_change_page_previews_both_languages_sanitised(client, root, error_500):
    error_500.body = "## Steps\n\n<script>alert(1)</script>"
    error_500.save()
    client.force_login(root)
    page = client.get(reverse("admin:kb_article_change", args=[error_500.pk])).content.decode()
    assert "<h2>Steps</h2>" in page
    assert "Mengatasi Error 500 di WordPress" in page
    assert "<script>alert(1)" not in page


def test_staff_create_an_article_in_the_admin(client, root, hosting):
    client.force_login(root)
    response = client.post(
        reverse("admin:kb_article_add"),
        {
            "title": "Backups",
            "slug": "backups",
            "category": hosting.pk,
            "status": "published",
            "audience": "everyone",
            "order": 0,
            "body": "Daily.",
            "title_id": "Cadangan",
            "body_id": "Harian.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(slug="backups").title_id == "Cadangan"
