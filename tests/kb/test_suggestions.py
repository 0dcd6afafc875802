"""The suggestions under the subject of Open New Ticket, and "This solved my problem"."""

import pytest
from django.urls import reverse

from kb.models import Article
from tests.kb.conftest import make_article

pytestmark = pytest.mark.django_db


def suggest(client, text):
    return client.get(reverse("kb:suggest"), {"q": text})


def titles(response):
    return [article["title"] for article in response.json()["articles"]]


def test_articles_matching_the_subject_are_suggested(alice_client, error_500):
    response = suggest(alice_client, "wordpress plugin")
    assert response.status_code == 200
    (article,) = response.json()["articles"]
    assert article["title"] == error_500.title
    assert article["url"] == error_500.get_absolute_url()
    assert any(mark for _text, mark in article["snippet"])


def test_nothing_is_looked_up_before_the_third_character(alice_client, error_500):
    assert titles(suggest(alice_client, "wo")) == []


def test_at_most_five_articles_are_suggested(alice_client, hosting):
    for n in range(7):
        make_article(hosting, f"dns-{n}", f"DNS record {n}", "Point the DNS record.")
    assert len(titles(suggest(alice_client, "dns record"))) == 5


def test_indonesian_customers_get_indonesian_titles(alice, client, error_500):
    alice.language = "id"
    alice.save()
    client.force_login(alice)
    assert titles(suggest(client, "wordpress")) == ["Mengatasi Error 500 di WordPress"]


def test_drafts_are_never_suggested(alice_client, draft):
    assert titles(suggest(alice_client, "wordpress upgrade notes")) == []


def test_the_snippet_is_text_parts_never_html(alice_client, hosting):
    make_article(hosting, "x", "Mail setup", "Type <b>mail</b> & <img src=x onerror=alert(1)>")
    (article,) = suggest(alice_client, "mail setup").json()["articles"]
    text = "".join(part for part, _mark in article["snippet"])
    assert "<img" in text  # as text: the page's script puts it in with textContent


def test_suggestions_need_a_login(client, error_500):
    response = suggest(client, "wordpress")
    assert response.status_code == 302


def test_suggestions_are_rate_limited(alice_client, error_500, settings):
    settings.KB_SUGGEST_RATE_LIMIT = "3/1m"
    assert [suggest(alice_client, "wordpress").status_code for _ in range(3)] == [200] * 3
    refused = suggest(alice_client, "wordpress")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "error" in refused.json()


def test_one_customers_limit_does_not_slow_another(alice_client, bob, error_500, settings):
    settings.KB_SUGGEST_RATE_LIMIT = "1/1m"
    suggest(alice_client, "wordpress")
    assert suggest(alice_client, "wordpress").status_code == 429
    alice_client.force_login(bob)
    assert suggest(alice_client, "wordpress").status_code == 200


def test_this_solved_my_problem_counts_a_ticket_avoided(alice_client, error_500):
    response = alice_client.post(reverse("kb:solved", args=[error_500.slug]))
    assert response.status_code == 200
    assert "do not need to open a ticket" in response.json()["message"]
    assert Article.objects.get(pk=error_500.pk).tickets_avoided == 1


def test_solved_is_rate_limited(alice_client, error_500, settings):
    settings.KB_SOLVED_RATE_LIMIT = "2/10m"
    url = reverse("kb:solved", args=[error_500.slug])
    codes = [alice_client.post(url).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Article.objects.get(pk=error_500.pk).tickets_avoided == 2


def test_solved_on_a_draft_or_another_audience_is_a_404(client, draft, members_only, alice):
    client.force_login(alice)
    assert client.post(reverse("kb:solved", args=[draft.slug])).status_code == 404
    assert Article.objects.get(pk=draft.pk).tickets_avoided == 0


def test_the_open_ticket_form_carries_the_suggestion_box(alice_client):
    page = alice_client.get(reverse("tickets:open_form", args=["technical-support"]))
    html = page.content.decode()
    assert f'data-url="{reverse("kb:suggest")}"' in html
    assert "js/kb_suggest.js" in html
