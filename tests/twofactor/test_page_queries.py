"""The query counts of the two-factor pages, pinned with little and with more data (other
users' devices, more codes and passkeys of the user). Session and user are counted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from tests.factories import StaffFactory, UserFactory
from tests.second_factor import authenticator_for, pass_second_factor, totp_code
from twofactor.models import RecoveryCodeDevice

from .conftest import password_login

pytestmark = pytest.mark.django_db

# page: (state of the session, queries)
PAGES = {
    # session, user, verified device (django-otp), recovery codes device, passkeys,
    # authenticator set up?, unused codes
    "account security": ("verified", 7),
    # session, user, authenticator and passkey set up?, locked out? (axes: per email and
    # address, and per address)
    "code page": ("owes code", 6),
    # session, user, has factor (authenticator, passkey), authenticator set up?,
    # unfinished enrolment
    "authenticator enrolment": ("new", 7),
    # session, user, verified device, authenticator set up? (may it be turned off), locked
    # out? (axes, two), authenticator set up? (code field), passkeys (passkey button)
    "turn off": ("verified", 8),
    # session, user, verified device, locked out? (two), authenticator set up?, passkeys
    "change password": ("verified", 7),
    "change email": ("verified", 7),
}
URLS = {
    "account security": reverse("twofactor:security"),
    "code page": reverse("twofactor:verify"),
    "authenticator enrolment": reverse("twofactor:setup"),
    "turn off": reverse("twofactor:disable"),
    "change password": reverse("twofactor:change_password"),
    "change email": reverse("twofactor:change_email"),
}


def passkey(user, n):
    return WebAuthnCredential.objects.create(
        user=user,
        name=f"Key {n}",
        confirmed=True,
        credential_id=f"cred-{user.pk}-{n}".encode(),
        public_key=b"\x00",
        sign_count=0,
    )


def grow(user, rounds):
    for n in range(rounds):
        other = UserFactory()
        authenticator_for(other)
        RecoveryCodeDevice.objects.create(user=other, name="Recovery codes").regenerate()
        passkey(other, n)
        passkey(user, 100 + n)


def client_for(state, user, password):
    client = password_login(user.email, password)
    if state == "verified":
        device = authenticator_for(user)
        RecoveryCodeDevice.objects.create(user=user, name="Recovery codes").regenerate()
        pass_second_factor(client, user)
        totp_code(device)
    elif state == "owes code":
        authenticator_for(user)
        client = password_login(user.email, password)
    return client


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.get("Location")
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("page", list(PAGES))
def test_each_two_factor_page_makes_its_pinned_number_of_queries(page, password):
    state, expected = PAGES[page]
    user = StaffFactory() if state == "new" else UserFactory()
    client = client_for(state, user, password)
    count(client, URLS[page])
    small = count(client, URLS[page])
    grow(user, rounds=5)
    if state == "new":
        user.webauthncredential_set.all().delete()
    large = count(client, URLS[page])
    assert len(small) == len(large) == expected, "\n".join(large)


def test_new_recovery_codes_take_the_same_queries_whatever_the_data(password):
    # session, user, verified device, has a factor? (authenticator), the codes' device
    # (get_or_create: SELECT), DELETE of the old codes, one INSERT of the ten new ones,
    # and the savepoint queries of the transaction are not counted
    user = UserFactory()
    client = client_for("verified", user, password)
    url = reverse("twofactor:recovery_codes")

    def post():
        with CaptureQueriesContext(connection) as context:
            assert client.post(url).status_code == 200
        return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]

    small = post()
    grow(user, rounds=5)
    large = post()
    assert len(small) == len(large) == 7, "\n".join(large)
