"""Ten single-use recovery codes, stored as keyed digests (never in the clear), shown and
downloadable once, and replaced by new ones on request."""

import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.urls import reverse

from tests.second_factor import authenticator_for
from twofactor.models import RecoveryCode, RecoveryCodeDevice, digests

from .conftest import SECURITY, VERIFY, give_code, password_login

pytestmark = pytest.mark.django_db

RECOVERY = reverse("twofactor:recovery_codes")


def new_codes(client):
    response = client.post(RECOVERY)
    assert response.status_code == 200
    return response, re.findall(r'<li class="col">([0-9a-z-]{11})</li>', response.content.decode())


@pytest.fixture
def sam_in(sam, password, sam_device, code):
    client = password_login(sam.email, password)
    give_code(client, code(sam_device))
    return client


def test_ten_codes_shown_once_and_offered_as_a_download(sam_in, sam):
    response, codes = new_codes(sam_in)
    assert len(codes) == len(set(codes)) == 10
    href = re.search(
        r'href="(data:text/plain;charset=utf-8,[^"]+)" download=', response.content.decode()
    )
    text = unquote(href.group(1).split(",", 1)[1])
    assert all(code in text for code in codes) and sam.email in text
    # The security page shows how many are left, never the codes.
    page = sam_in.get(SECURITY).content.decode()
    assert "10 unused codes left." in page
    assert not any(code in page for code in codes)


def test_codes_are_stored_as_digests_only(sam_in, sam):
    _response, codes = new_codes(sam_in)
    stored = list(RecoveryCode.objects.filter(device__user=sam).values_list("digest", flat=True))
    assert sorted(stored) == sorted(digests(code)[0] for code in codes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM twofactor_recoverycode")
        dump = repr(cursor.fetchall())
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump


def test_a_recovery_code_signs_in_once(sam_in, sam, password):
    _response, codes = new_codes(sam_in)
    client = password_login(sam.email, password)
    response = give_code(client, codes[3].upper(), next_url="/staff/")
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    again = password_login(sam.email, password)
    assert give_code(again, codes[3]).status_code == 200
    assert again.get("/staff/")["Location"].startswith(VERIFY)
    assert RecoveryCodeDevice.objects.get(user=sam).remaining() == 9


def test_new_codes_replace_the_old_ones(sam_in, sam, password):
    _response, old = new_codes(sam_in)
    _response, new = new_codes(sam_in)
    assert not set(old) & set(new)
    client = password_login(sam.email, password)
    assert give_code(client, old[0]).status_code == 200
    assert give_code(client, new[0])["Location"] == "/"


def test_codes_are_only_made_for_a_verified_session(sam, password, sam_device):
    client = password_login(sam.email, password)
    response = client.post(RECOVERY)
    assert response["Location"].startswith(VERIFY)
    assert not RecoveryCodeDevice.objects.filter(user=sam).exists()


def test_a_code_used_by_another_request_is_refused(sam, sam_device):
    device = RecoveryCodeDevice.objects.create(user=sam, name="Recovery codes")
    codes = device.regenerate()
    other = RecoveryCodeDevice.objects.get(pk=device.pk)
    assert device.verify_token(codes[0]) is True
    assert other.verify_token(codes[0]) is False


@pytest.mark.parametrize(
    "name", ["security", "verify", "setup", "disable", "change_password", "change_email"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(f"twofactor:{name}"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_visitors_get_no_recovery_codes(client):
    assert client.post(RECOVERY)["Location"].startswith(reverse("accounts:login"))


def test_another_users_codes_do_not_work(sam_in, bill, password):
    _response, codes = new_codes(sam_in)
    authenticator_for(bill)
    client = password_login(bill.email, password)
    assert give_code(client, codes[0]).status_code == 200


def test_a_recovery_code_of_digits_only_is_still_a_recovery_code(sam, sam_device, monkeypatch):
    from twofactor import models
    from twofactor.verification import check_code

    digits = iter(f"{n:05d}-56789" for n in range(10))
    monkeypatch.setattr(models, "new_code", lambda: next(digits))
    device = RecoveryCodeDevice.objects.create(user=sam, name="Recovery codes")
    device.regenerate()
    assert check_code(sam, "0000356789") == device
