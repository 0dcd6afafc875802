"""Enrolling an authenticator app (QR code, key, one code to confirm) and signing in with
its codes: each code is accepted once, an older one never after a newer one."""

import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.second_factor import authenticator_for, totp_code
from twofactor.models import RecoveryCodeDevice

from .conftest import SETUP, give_code, password_login

pytestmark = pytest.mark.django_db


def shown_key(response):
    text = response.content.decode()
    key = re.search(r'<code class="fs-5" id="totp-secret">([A-Z2-7 ]+)</code>', text).group(1)
    return b32decode(key.replace(" ", ""))


def code_at(key, when):
    totp = TOTP(key)
    totp.time = when
    return f"{totp.token():06d}"


def test_enrolment_shows_a_qr_code_and_the_key_and_turns_on_with_a_code(sam, password):
    client = password_login(sam.email, password)
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'aria-label="QR code for your authenticator app"' in html
    key = shown_key(page)
    device = TOTPDevice.objects.get(user=sam)
    assert device.bin_key == key and not device.confirmed

    response = client.post(SETUP, {"code": code_at(key, time.time()), "next": "/staff/"})
    assert response.status_code == 200
    codes = re.findall(
        r"<li class=\"col\">([0-9a-z]{5}-[0-9a-z]{5})</li>", response.content.decode()
    )
    assert len(codes) == 10
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    # The session passed the factor it just proved: straight on to the staff pages.
    assert client.get("/staff/").status_code == 200


def test_a_wrong_code_does_not_turn_it_on(sam, password):
    client = password_login(sam.email, password)
    key = shown_key(client.get(SETUP))
    wrong = f"{(int(code_at(key, time.time())) + 1) % 1000000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=sam, confirmed=True).exists()
    assert not RecoveryCodeDevice.objects.filter(user=sam).exists()
    assert client.get("/staff/").status_code == 302


def test_the_enrolment_page_keeps_its_key_until_confirmed(sam, password):
    client = password_login(sam.email, password)
    assert shown_key(client.get(SETUP)) == shown_key(client.get(SETUP))
    assert TOTPDevice.objects.filter(user=sam).count() == 1


def test_enrolment_is_refused_to_a_session_that_owes_the_code(sam, password):
    """A second app is no way around the first one."""
    authenticator_for(sam)
    client = password_login(sam.email, password)
    response = client.get(SETUP)
    assert response["Location"].startswith(reverse("twofactor:verify"))


def test_a_code_is_accepted_once(sam, password):
    device = authenticator_for(sam)
    code = totp_code(device)
    first = password_login(sam.email, password)
    assert give_code(first, code)["Location"] == "/"
    second = password_login(sam.email, password)
    response = give_code(second, code)
    assert response.status_code == 200
    assert "not valid, or it has been used already" in response.content.decode()
    assert second.get("/staff/").status_code == 302


def test_an_older_code_is_refused_after_a_newer_one(sam, password):
    device = authenticator_for(sam)
    now = time.time()
    newer, older = code_at(device.bin_key, now + 30), code_at(device.bin_key, now - 30)
    assert give_code(password_login(sam.email, password), newer)["Location"] == "/"
    device.refresh_from_db()
    response = give_code(password_login(sam.email, password), older)
    assert response.status_code == 200


def test_codes_with_blanks_are_accepted(sam, password):
    device = authenticator_for(sam)
    code = totp_code(device)
    client = password_login(sam.email, password)
    assert give_code(client, f" {code[:3]} {code[3:]} ")["Location"] == "/"
