"""The password-reset link starts with SITE_URL whatever Host the request named: with the
request's Host, anyone could ask for a reset of a victim's account with `Host: evil.test`
and the victim's email would carry the token to evil.test at the first click."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_HOST": "evil.test"},
        {"HTTP_HOST": "localhost", "HTTP_X_FORWARDED_HOST": "evil.test"},
        {"HTTP_HOST": "127.0.0.1:9999", "wsgi.url_scheme": "https"},
    ],
)
def test_the_reset_link_starts_with_site_url(
    settings, alice, headers, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://member.netdigi.example"
    settings.ALLOWED_HOSTS = ["*"]
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(RESET, {"email": "alice@example.com"}, **headers)
    assert response.status_code == 302
    [email] = mail.outbox
    links = re.findall(r"\w+://\S+", email.body)
    assert links, email.body
    assert all(
        link.startswith("https://member.netdigi.example/accounts/password-reset/") for link in links
    )
    assert "evil.test" not in email.body and "9999" not in email.body
