"""Wrong codes count toward the same lockout as wrong passwords (django-axes, per email and
address): the fifth failure, codes and passwords mixed, locks the account there. The
right password does not clear the count while the code is still owed."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from tests.second_factor import totp_code

from .conftest import VERIFY, give_code, password_login

pytestmark = pytest.mark.django_db

HOME = "203.0.113.10"
LOCKED_TEXT = "Too many login attempts"


def wrong(code):
    return f"{(int(code) + 500000) % 1000000:06d}"


def test_five_wrong_codes_lock_the_account_at_that_address(sam, password, sam_device):
    client = password_login(sam.email, password, HOME)
    answers = [give_code(client, wrong(totp_code(sam_device)), address=HOME) for _ in range(5)]
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert answers[4].status_code == 429 and LOCKED_TEXT in answers[4].content.decode()
    # Signed out, and the right password is refused there now.
    assert "_auth_user_id" not in client.session
    again = client.post(
        "/accounts/login/", {"username": sam.email, "password": password}, REMOTE_ADDR=HOME
    )
    assert again.status_code == 429


def test_wrong_codes_and_wrong_passwords_share_one_count(sam, password, sam_device, client):
    for _ in range(3):
        client.post(
            "/accounts/login/", {"username": sam.email, "password": "nope"}, REMOTE_ADDR=HOME
        )
    signed_in = password_login(sam.email, password, HOME)
    assert give_code(signed_in, wrong(totp_code(sam_device)), address=HOME).status_code == 200
    assert give_code(signed_in, wrong(totp_code(sam_device)), address=HOME).status_code == 429


def test_the_right_password_does_not_forget_wrong_codes(sam, password, sam_device):
    for _ in range(4):
        client = password_login(sam.email, password, HOME)
        give_code(client, wrong(totp_code(sam_device)), address=HOME)
    assert AccessAttempt.objects.get(username=sam.email).failures_since_start == 4
    client = password_login(sam.email, password, HOME)
    assert give_code(client, wrong(totp_code(sam_device)), address=HOME).status_code == 429


def test_the_right_code_forgets_the_failures(sam, password, sam_device):
    client = password_login(sam.email, password, HOME)
    give_code(client, wrong(totp_code(sam_device)), address=HOME)
    # django-otp refuses even the right code for a second after a wrong one.
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        assert give_code(client, totp_code(sam_device), address=HOME)["Location"] == "/"
    assert not AccessAttempt.objects.filter(username=sam.email).exists()


def test_after_a_wrong_code_the_app_is_slowed_down(sam, password, sam_device):
    client = password_login(sam.email, password, HOME)
    give_code(client, wrong(totp_code(sam_device)), address=HOME)
    response = give_code(client, totp_code(sam_device), address=HOME)
    assert "wait a few seconds" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_the_code_page_of_a_locked_account_signs_out(sam, password, sam_device):
    client = password_login(sam.email, password, HOME)
    AccessAttempt.objects.create(
        username=sam.email, ip_address=HOME, user_agent="", failures_since_start=5
    )
    response = client.get(VERIFY, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
