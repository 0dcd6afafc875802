"""A staff reset of someone's second factor, from the admin's user list: every factor
goes, the reset is in the admin's history of that user, the user is emailed (in their
language), and their verified sessions lose access at once. The device admin that would
show authenticator secrets and delete without a trace is not there."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.second_factor import authenticator_for, pass_second_factor, totp_code
from twofactor.models import RecoveryCodeDevice

from .conftest import SETUP, give_code, password_login

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")


def admin_client(user):
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    return client


def reset(client, *users):
    return client.post(
        USERS,
        {"action": "reset_second_factor", "_selected_action": [u.pk for u in users]},
        follow=True,
    )


def test_reset_removes_every_factor_records_and_emails(
    root, sam, password, django_capture_on_commit_callbacks
):
    device = authenticator_for(sam)
    RecoveryCodeDevice.objects.create(user=sam, name="Recovery codes").regenerate()
    sam_session = password_login(sam.email, password)
    give_code(sam_session, totp_code(device))
    assert sam_session.get("/staff/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = reset(admin_client(root), sam)

    assert "was reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=sam).exists()
    assert not RecoveryCodeDevice.objects.filter(user=sam).exists()
    entry = LogEntry.objects.get(object_id=str(sam.pk), action_flag=CHANGE)
    assert entry.user == root and entry.change_message == "Second factor reset"
    [email] = mail.outbox
    assert email.to == [sam.email]
    assert email.subject == "Your Netdigi Member Area second factor was reset"
    assert root.display_name in email.body and "/accounts/two-factor/" in email.body
    assert email.alternatives and "Account security" in email.alternatives[0][0]
    # sam's session, verified a moment ago, is sent to enrol again.
    assert sam_session.get("/staff/")["Location"].startswith(SETUP)


def test_the_email_is_in_the_users_language(root, alice, django_capture_on_commit_callbacks):
    alice.language = "id"
    alice.save()
    authenticator_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        reset(admin_client(root), alice)
    [email] = mail.outbox
    assert email.subject == "Faktor kedua akun Member Area Netdigi Anda telah direset"


def test_a_user_without_a_factor_is_not_emailed(root, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reset(admin_client(root), alice)
    assert mail.outbox == []
    assert not LogEntry.objects.filter(object_id=str(alice.pk)).exists()


def test_staff_without_the_user_permission_cannot_reset(sam, bill):
    device = authenticator_for(bill)
    response = reset(admin_client(sam), bill)
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_device_admin_is_not_registered():
    assert TOTPDevice not in admin.site._registry
