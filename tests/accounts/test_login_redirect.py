"""After login the customer returns to the page they asked for: only a path of this site."""

import pytest
from django.urls import reverse

from tests.tickets.pages import read

LOGIN = reverse("accounts:login")
DASHBOARD = reverse("dashboard")

UNSAFE_NEXT = [
    "//evil.com",
    "///evil.com",
    "https://evil.com",
    "http://evil.com/support/tickets/",
    "http:///evil.com",
    "ftp://evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "\\/evil.com",
    " //evil.com",
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver.evil.com/",
]


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_login_never_redirects_to_another_site(client, alice, password, next_url):
    response = client.post(
        LOGIN, {"username": "alice@example.com", "password": password, "next": next_url}
    )
    assert response.status_code == 302
    assert response.url == DASHBOARD


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_the_login_page_does_not_carry_an_unsafe_next_along(client, db, next_url):
    page = read(client.get(LOGIN, {"next": next_url}))
    assert page.form_posting_to(LOGIN).fields["next"] == ""


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_an_already_logged_in_customer_is_not_sent_away_either(alice_client, next_url):
    response = alice_client.get(LOGIN, {"next": next_url})
    assert response.status_code == 302
    assert response.url == DASHBOARD


@pytest.mark.parametrize(
    "next_url", ["/support/tickets/", "/support/tickets/?status=closed", "/support/tickets/new/"]
)
def test_login_returns_to_a_path_of_this_site(client, alice, password, next_url):
    page = read(client.get(LOGIN, {"next": next_url}))
    assert page.form_posting_to(LOGIN).fields["next"] == next_url
    response = client.post(
        LOGIN, {"username": "alice@example.com", "password": password, "next": next_url}
    )
    assert response.status_code == 302
    assert response.url == next_url
