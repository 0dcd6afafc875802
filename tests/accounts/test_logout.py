"""Logging out is a POST; a GET (a link, an <img> on another site) logs nobody out."""

from django.urls import reverse

LOGOUT = reverse("accounts:logout")


def test_logout_by_post_ends_the_session_and_shows_the_login_page(alice_client):
    response = alice_client.post(LOGOUT)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in alice_client.session
    assert alice_client.get(reverse("dashboard")).status_code == 302


def test_logout_by_get_is_refused_and_keeps_the_customer_logged_in(alice_client, alice):
    response = alice_client.get(LOGOUT)
    assert response.status_code == 405
    assert alice_client.get(reverse("dashboard")).status_code == 200


def test_every_page_offers_logout_as_a_form_that_posts(alice_client):
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert f'<form method="post" action="{LOGOUT}">' in html
    assert "csrfmiddlewaretoken" in html
