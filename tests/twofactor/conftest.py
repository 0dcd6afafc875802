"""Fixtures of the two-factor tests. Every test here runs with the real behaviour: a
password login (or force_login) owes the second factor (`real_second_factor`)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.second_factor import authenticator_for, totp_code

LOGIN = reverse("accounts:login")
VERIFY = reverse("twofactor:verify")
SETUP = reverse("twofactor:setup")
SECURITY = reverse("twofactor:security")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/twofactor/" in str(item.fspath):
            item.add_marker(pytest.mark.real_second_factor)


def password_login(email, password, address="203.0.113.10", next_url=None):
    """A client that has just logged in with the password through the login form."""
    client = Client(REMOTE_ADDR=address)
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data, REMOTE_ADDR=address)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def give_code(client, code, next_url="/", address="203.0.113.10"):
    return client.post(VERIFY, {"code": code, "next": next_url}, REMOTE_ADDR=address)


@pytest.fixture
def sam_device(sam):
    return authenticator_for(sam)


@pytest.fixture
def alice_device(alice):
    return authenticator_for(alice)


@pytest.fixture
def code():
    return totp_code
