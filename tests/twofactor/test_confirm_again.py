"""Turning two-factor sign-in off, changing the email address and changing the password
ask for the password and a code again; wrong ones count toward the lockout. Staff cannot
turn it off while it is required."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.second_factor import authenticator_for, pass_second_factor, totp_code
from twofactor.models import RecoveryCodeDevice

from .conftest import SECURITY, give_code, password_login

pytestmark = pytest.mark.django_db

DISABLE = reverse("twofactor:disable")
PASSWORD = reverse("twofactor:change_password")
EMAIL = reverse("twofactor:change_email")


@pytest.fixture
def alice_in(alice, password, alice_device):
    client = password_login(alice.email, password)
    give_code(client, totp_code(alice_device))
    client.post(reverse("twofactor:recovery_codes"))
    return client


def test_turning_off_asks_for_password_and_code(alice_in, alice, password, alice_device):
    page = alice_in.get(DISABLE).content.decode()
    assert 'name="password"' in page and 'name="code"' in page
    response = alice_in.post(DISABLE, {"password": "wrong", "code": totp_code(alice_device)})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=alice).exists()
    response = alice_in.post(DISABLE, {"password": password, "code": totp_code(alice_device)})
    assert response["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not RecoveryCodeDevice.objects.filter(user=alice).exists()
    # The next login asks for nothing more than the password.
    assert password_login(alice.email, password).get("/").status_code == 200


def test_a_wrong_password_turns_nothing_off_and_is_counted(alice_in, alice, alice_device):
    response = alice_in.post(
        DISABLE, {"password": "wrong", "code": totp_code(alice_device)}, REMOTE_ADDR="203.0.113.10"
    )
    assert "Your password was entered incorrectly." in response.content.decode()
    assert TOTPDevice.objects.filter(user=alice).exists()
    assert AccessAttempt.objects.get(username=alice.email).failures_since_start == 1


def test_staff_cannot_turn_it_off_while_required(sam, password, sam_device):
    client = password_login(sam.email, password)
    give_code(client, totp_code(sam_device))
    response = client.post(DISABLE, {"password": password, "code": totp_code(sam_device)})
    assert response["Location"] == SECURITY
    assert TOTPDevice.objects.filter(user=sam).exists()


def test_password_change_needs_the_code(alice_in, alice, password, alice_device):
    data = {
        "old_password": password,
        "new_password1": "n3w-Passphrase!",
        "new_password2": "n3w-Passphrase!",
    }
    assert alice_in.post(PASSWORD, data).status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(password)
    response = alice_in.post(PASSWORD, {**data, "code": totp_code(alice_device)})
    assert response["Location"] == SECURITY
    alice.refresh_from_db()
    assert alice.check_password("n3w-Passphrase!")
    # This session stays signed in and verified.
    assert alice_in.get(SECURITY).status_code == 200


def test_email_change_needs_password_and_code(
    alice_in, alice, password, alice_device, django_capture_on_commit_callbacks
):
    response = alice_in.post(EMAIL, {"email": "alice@new.example", "password": password})
    assert response.status_code == 200
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_in.post(
            EMAIL,
            {"email": "Alice@New.example", "password": password, "code": totp_code(alice_device)},
        )
    assert response["Location"] == SECURITY
    assert User.objects.get(pk=alice.pk).email == "alice@new.example"
    # The old address hears of it.
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert "alice@new.example" in email.body and "alice@example.com" in email.body


def test_email_change_refuses_an_address_in_use(alice_in, bob, password, alice_device):
    response = alice_in.post(
        EMAIL, {"email": bob.email.upper(), "password": password, "code": totp_code(alice_device)}
    )
    assert "already exists" in response.content.decode()


def test_a_customer_without_2fa_confirms_with_the_password_only(client, bob, password):
    client = password_login(bob.email, password)
    page = client.get(PASSWORD).content.decode()
    assert 'name="code"' not in page
    data = {
        "old_password": password,
        "new_password1": "n3w-Passphrase!",
        "new_password2": "n3w-Passphrase!",
    }
    assert client.post(PASSWORD, data)["Location"] == SECURITY


def test_the_pages_ask_a_session_that_owes_the_code_for_it(alice, password, alice_device):
    client = password_login(alice.email, password)
    for url in (SECURITY, DISABLE, PASSWORD, EMAIL):
        assert client.get(url)["Location"].startswith(reverse("twofactor:verify"))


def test_a_second_users_codes_do_not_confirm(alice_in, bob, password):
    device = authenticator_for(bob)
    response = alice_in.post(
        EMAIL, {"email": "x@y.example", "password": password, "code": totp_code(device)}
    )
    assert response.status_code == 200


def test_a_wrong_code_changes_nothing_and_is_counted(alice_in, alice, password):
    data = {"old_password": password, "new_password1": "n3w-Passphrase!"}
    data["new_password2"] = data["new_password1"]
    response = alice_in.post(PASSWORD, {**data, "code": "000000"}, REMOTE_ADDR="203.0.113.10")
    assert "not valid, or it has been used already" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(password)
    assert AccessAttempt.objects.get(username=alice.email).failures_since_start == 1


def test_the_admins_password_change_leads_to_the_one_that_asks_for_a_code(sam, sam_device):
    client = Client()
    client.force_login(sam)
    pass_second_factor(client, sam)
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302 and response["Location"] == PASSWORD
