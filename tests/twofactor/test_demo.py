"""The demo: staff@, billing@ and admin@example.com sign in with the password and a code
of the documented TOTP secret, which seed_demo prints with the logins; customers have no
second factor."""

import io
from base64 import b32decode

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tickets.management.commands.seed_demo import PASSWORD
from twofactor.demo import DEMO_TOTP_SECRET

from .conftest import give_code, password_login

pytestmark = pytest.mark.django_db


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_enrols_the_staff_with_the_demo_secret_and_prints_it(settings):
    settings.DEBUG = True
    output = seed()
    assert DEMO_TOTP_SECRET == "NETDIGIDEMOTOTPSECRET234"
    assert DEMO_TOTP_SECRET in output
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__email", flat=True))
    assert enrolled == {"staff@example.com", "billing@example.com", "admin@example.com"}
    seed()  # idempotent
    assert TOTPDevice.objects.count() == 3


def test_a_demo_staff_member_signs_in_with_a_code_of_the_printed_secret(settings):
    settings.DEBUG = True
    seed()
    device = TOTPDevice.objects.get(user__email="billing@example.com")
    assert device.bin_key == b32decode(DEMO_TOTP_SECRET)
    client = password_login("billing@example.com", PASSWORD)
    assert client.get("/staff/").status_code == 302
    code = f"{TOTP(b32decode(DEMO_TOTP_SECRET)).token():06d}"
    assert give_code(client, code, next_url="/staff/")["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_demo_customers_sign_in_with_the_password_alone(settings):
    settings.DEBUG = True
    seed()
    assert password_login("customer@example.com", PASSWORD).get("/").status_code == 200
