"""Logging in to the Member Area with email address and password."""

import pytest
from django.urls import reverse

from tests.tickets.pages import read

LOGIN = reverse("accounts:login")


def test_login_page_shows_the_guides_labels_and_login_button(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = read(response)
    assert page.labels["id_username"] == "Email Address"
    assert page.labels["id_password"] == "Password"
    form = page.form_posting_to(LOGIN)
    controls = {attrs.get("name"): attrs for _tag, attrs in form.inputs}
    assert controls["username"]["type"] == "email"
    assert controls["password"]["type"] == "password"
    submits = [a for _t, a in form.inputs if a.get("type") == "submit"]
    assert [a.get("value") for a in submits] == ["Login"]


def test_login_page_is_one_form_not_a_form_inside_a_form(client, db):
    page = read(client.get(LOGIN))
    assert page.nested_forms == 0
    form = page.form_posting_to(LOGIN)
    assert form.method == "post"
    assert {"csrfmiddlewaretoken", "next"} <= set(form.fields)


@pytest.mark.parametrize(
    "typed", ["alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.com", "  alice@example.com "]
)
def test_customer_logs_in_with_their_email_whatever_its_case(client, alice, password, typed):
    response = client.post(LOGIN, {"username": typed, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).wsgi_request.user == alice


def test_a_wrong_password_shows_the_form_again_with_an_error(client, alice):
    response = client.post(LOGIN, {"username": "alice@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_email_gets_the_same_error_as_a_wrong_password(client, alice):
    response = client.post(LOGIN, {"username": "nobody@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.content.decode()


def test_an_inactive_account_cannot_log_in(client, alice, password):
    alice.is_active = False
    alice.save()
    client.post(LOGIN, {"username": "alice@example.com", "password": password})
    assert "_auth_user_id" not in client.session


def test_a_logged_in_customer_visiting_the_login_page_goes_to_the_dashboard(alice_client):
    response = alice_client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_emails_are_unique_whatever_their_case(alice):
    from django.db import IntegrityError, transaction

    from accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ALICE@example.COM", "another-password")
