"""Sessions: a new key at login (no fixation), gone from the server at logout, ended by a
password change; cookies out of JavaScript's reach; passwords checked by Django's
validators; the admin only for staff."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .conftest import logged_in

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
DASHBOARD = reverse("dashboard")


def log_in(client, email, password):
    response = client.post(LOGIN, {"username": email, "password": password})
    assert response.status_code == 302
    return response


def test_logging_in_gives_a_new_session_key_and_drops_the_planted_one(alice, password):
    """Session fixation: a key an attacker planted before login is worthless after it."""
    planted = SessionStore()
    planted["chosen_language"] = "id"
    planted.create()
    client = logged_in(None)
    client.cookies["sessionid"] = planted.session_key
    log_in(client, "alice@example.com", password)
    new_key = client.cookies["sessionid"].value
    assert new_key != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    # The attacker's copy of the old key is not logged in.
    attacker = logged_in(None, slot=1)
    attacker.cookies["sessionid"] = planted.session_key
    assert attacker.get(DASHBOARD).status_code == 302


def test_logging_in_gives_a_new_csrf_token(alice, password):
    client = logged_in(None)
    client.get(LOGIN)
    before = client.cookies["csrftoken"].value
    log_in(client, "alice@example.com", password)
    assert client.cookies["csrftoken"].value != before


def test_logging_out_deletes_the_session_on_the_server(alice, password):
    client = logged_in(None)
    log_in(client, "alice@example.com", password)
    key = client.cookies["sessionid"].value
    assert client.get(DASHBOARD).status_code == 200
    client.post(LOGOUT)
    assert not SessionStore().exists(key)
    # A copy of the cookie kept from before (a shared computer, a stolen cookie) is dead.
    replay = logged_in(None, slot=1)
    replay.cookies["sessionid"] = key
    response = replay.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(alice, password):
    elsewhere = logged_in(None, slot=1)
    log_in(elsewhere, "alice@example.com", password)
    assert elsewhere.get(DASHBOARD).status_code == 200

    alice.refresh_from_db()  # the login changed last_login, which the reset token signs
    client = logged_in(None)
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    form = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    set_password_url = form.redirect_chain[-1][0]
    client.post(
        set_password_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    alice.refresh_from_db()
    assert alice.check_password("a-new-long-passphrase")
    assert elsewhere.get(DASHBOARD).status_code == 302


def test_the_session_and_csrf_cookies_are_out_of_reach_of_scripts(alice, password):
    client = logged_in(None)
    client.get(LOGIN)
    log_in(client, "alice@example.com", password)
    session, csrf = client.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["httponly"] and csrf["httponly"]
    assert session["samesite"] == csrf["samesite"] == "Lax"
    assert 0 < int(session["max-age"]) <= 14 * 24 * 3600


WEAK = {
    "too short": "x7#kQ",
    "common": "password123",
    "numeric": "8203749127",
    "like the email": "alice@example",
}


@pytest.mark.parametrize("kind", list(WEAK))
def test_a_weak_new_password_is_refused_by_djangos_validators(alice, password, kind):
    client = logged_in(None)
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    form = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    weak = WEAK[kind]
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_the_admin_is_for_staff_only(alice, password):
    client = logged_in(alice)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    # Its login form refuses a customer's right password.
    response = logged_in(None).post(
        "/admin/login/", {"username": "alice@example.com", "password": password}
    )
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert logged_in(alice).get("/admin/tickets/ticket/").status_code == 302


def test_a_staff_member_made_inactive_loses_the_admin_at_once(sam, password):
    client = logged_in(sam)
    assert client.get("/admin/").status_code == 200
    sam.is_active = False
    sam.save()
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("staff:queues")).status_code == 302
