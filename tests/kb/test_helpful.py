""" "Was this article helpful?": one answer per user and article."""

import pytest
from django.urls import reverse

from kb.models import Vote

pytestmark = pytest.mark.django_db


def vote(client, article, answer):
    return client.post(reverse("kb:vote", args=[article.slug]), {"helpful": answer})


def test_a_customer_answers_yes(alice, alice_client, error_500):
    response = vote(alice_client, error_500, "yes")
    assert response.status_code == 302
    assert Vote.objects.get(article=error_500, user=alice).helpful is True


def test_answering_again_replaces_the_first_answer(alice, alice_client, error_500):
    vote(alice_client, error_500, "yes")
    vote(alice_client, error_500, "no")
    vote(alice_client, error_500, "no")
    assert list(Vote.objects.values_list("helpful", flat=True)) == [False]


def test_each_user_has_a_vote_of_their_own(alice_client, bob, error_500):
    vote(alice_client, error_500, "yes")
    alice_client.force_login(bob)
    vote(alice_client, error_500, "yes")
    assert Vote.objects.filter(article=error_500, helpful=True).count() == 2


def test_the_page_shows_the_answer_given(alice_client, error_500):
    vote(alice_client, error_500, "no")
    page = alice_client.get(error_500.get_absolute_url()).content.decode()
    assert 'value="no" class="btn btn-sm btn-secondary" aria-pressed="true"' in page


def test_a_visitor_must_log_in_to_vote(client, error_500):
    response = vote(client, error_500, "yes")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not Vote.objects.exists()


def test_a_vote_on_a_draft_is_a_404(alice_client, draft):
    assert vote(alice_client, draft, "yes").status_code == 404
    assert not Vote.objects.exists()


def test_a_bad_answer_stores_nothing(alice_client, error_500):
    vote(alice_client, error_500, "maybe")
    assert not Vote.objects.exists()


def test_voting_needs_a_post(alice_client, error_500):
    assert alice_client.get(reverse("kb:vote", args=[error_500.slug])).status_code == 405
