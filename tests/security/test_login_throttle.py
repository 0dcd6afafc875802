"""Password guessing is throttled per account and per address, with a cool-off.

An email tried from one address is locked after LOGIN_FAILURE_LIMIT failures (5), an
address trying many emails after LOGIN_FAILURE_LIMIT_PER_IP (30; smaller here), both for
LOGIN_COOLOFF_MINUTES (15). Nothing is locked per email alone: the customer, from their own
address, always gets in, whatever a stranger elsewhere does. The lockout answer is a page
of the Member Area, the same for known and unknown emails.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from .conftest import logged_in

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
HOME = "203.0.113.10"  # alice's own address
STRANGER = "198.51.100.66"
LOCKED_TEXT = "Too many login attempts"
WRONG_TEXT = "Please enter a correct email address and password."


def attempt(email, password, address, url=LOGIN, slot=0, **headers):
    client = logged_in(None, slot=slot)
    response = client.post(
        url, {"username": email, "password": password}, REMOTE_ADDR=address, **headers
    )
    return client, response


def fail(email, address, times, url=LOGIN):
    return [attempt(email, "wrong-guess", address, url)[1] for _ in range(times)]


def is_lockout_page(response):
    html = response.content.decode()
    return response.status_code == 429 and LOCKED_TEXT in html


def logs_in(email, password, address, **headers):
    client, response = attempt(email, password, address, **headers)
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_the_fifth_wrong_password_from_one_address_locks_that_email_there(alice, password):
    answers = fail("alice@example.com", STRANGER, 5)
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert all(WRONG_TEXT in a.content.decode() for a in answers[:4])
    assert is_lockout_page(answers[4])
    # Even the right password is refused there now.
    client, response = attempt("alice@example.com", password, STRANGER)
    assert is_lockout_page(response)
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_a_friendly_page_with_a_way_out(alice):
    response = fail("alice@example.com", STRANGER, 5)[-1]
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "<html" in html and "Netdigi" in html
    assert "Please wait 15 minutes and try again." in html
    assert reverse("accounts:password_reset") in html
    # Nothing the attacker typed comes back.
    assert "alice@example.com" not in html


def test_a_stranger_guessing_elsewhere_cannot_lock_the_customer_out(alice, password):
    assert is_lockout_page(fail("alice@example.com", STRANGER, 8)[-1])
    assert logs_in("alice@example.com", password, HOME)


def test_the_cool_off_ends_the_lockout(alice, password):
    fail("alice@example.com", STRANGER, 5)
    assert not logs_in("alice@example.com", password, STRANGER)
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert logs_in("alice@example.com", password, STRANGER)


def test_guessing_during_the_lockout_keeps_the_guesser_locked(alice, password):
    """Each refused try starts the cool-off again: a guesser who keeps trying stays out,
    and it is their address that is locked, not the customer."""
    start = timezone.now()
    fail("alice@example.com", STRANGER, 5)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        fail("alice@example.com", STRANGER, 1)
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert not logs_in("alice@example.com", password, STRANGER)
    with time_machine.travel(start + timedelta(minutes=36), tick=False):
        assert logs_in("alice@example.com", password, STRANGER)


@pytest.mark.parametrize(
    "spelling", ["ALICE@example.com", " Alice@Example.COM ", "alice@EXAMPLE.com"]
)
def test_every_spelling_of_an_email_counts_as_that_email(alice, password, spelling):
    fail("alice@example.com", STRANGER, 4)
    assert is_lockout_page(attempt(spelling, "wrong-guess", STRANGER)[1])
    assert not logs_in("alice@example.com", password, STRANGER)


def test_one_address_trying_many_emails_is_locked_for_every_email(settings, alice, bob, password):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 8
    answers = [attempt(f"customer{n}@example.com", "123456", STRANGER)[1] for n in range(8)]
    assert [a.status_code for a in answers[:7]] == [200] * 7
    assert is_lockout_page(answers[7])
    assert not logs_in("bob@example.com", password, STRANGER)
    # Other addresses are not affected.
    assert logs_in("bob@example.com", password, HOME)


def test_the_default_limits_are_five_per_email_and_thirty_per_address(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.LOGIN_FAILURE_LIMIT_PER_IP == 30
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]


def test_unknown_emails_get_exactly_the_answers_of_known_ones(alice):
    def answers(email, address):
        # The form shows the typed email back, and a fresh CSRF token each time.
        return [
            (
                a.status_code,
                re.sub(r'value="[^"]{20,}"', "", a.content.decode().replace(email, "EMAIL")),
            )
            for a in fail(email, address, 6)
        ]

    assert answers("alice@example.com", "203.0.113.1") == answers(
        "nobody@example.com", "203.0.113.2"
    )


def test_the_owners_successful_login_forgets_their_own_typos(alice, password):
    for _round in range(3):
        fail("alice@example.com", HOME, 4)
        assert logs_in("alice@example.com", password, HOME)


def test_logging_into_ones_own_account_does_not_wipe_failures_against_another(alice, bob, password):
    fail("alice@example.com", STRANGER, 4)
    assert logs_in("bob@example.com", password, STRANGER)
    assert is_lockout_page(fail("alice@example.com", STRANGER, 1)[0])


def test_the_admin_login_is_throttled_the_same_way(root, password):
    answers = fail("root@netdigi.test", STRANGER, 5, url=ADMIN_LOGIN)
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert is_lockout_page(answers[4])
    assert not logs_in("root@netdigi.test", password, STRANGER)
    assert logs_in("root@netdigi.test", password, HOME)


def test_behind_a_proxy_the_address_the_proxy_saw_is_counted(settings, alice, password):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for n in range(5):
        # The client writes whatever it likes in front; the proxy appends what it saw.
        attempt(
            "alice@example.com",
            "wrong-guess",
            proxy,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {STRANGER}",
        )
    assert not logs_in("alice@example.com", password, proxy, HTTP_X_FORWARDED_FOR=STRANGER)
    assert logs_in("alice@example.com", password, proxy, HTTP_X_FORWARDED_FOR=HOME)


def test_without_a_trusted_proxy_a_forged_forwarded_header_changes_nothing(alice, password):
    for n in range(5):
        attempt("alice@example.com", "wrong-guess", STRANGER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert not logs_in("alice@example.com", password, STRANGER, HTTP_X_FORWARDED_FOR=HOME)


def test_a_locked_out_customer_can_still_ask_for_a_new_password(
    client, alice, django_capture_on_commit_callbacks
):
    from django.core import mail

    fail("alice@example.com", STRANGER, 5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": "alice@example.com"},
            REMOTE_ADDR=STRANGER,
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_a_client_reaching_gunicorn_directly_cannot_pick_its_address(settings, alice, password):
    """One proxy is trusted, but this connection does not come from it: X-Forwarded-For is
    the client's own writing, and every guess still counts against its real address."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = ["172.30.80.1"]
    for n in range(5):
        attempt("alice@example.com", "wrong-guess", STRANGER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert not logs_in("alice@example.com", password, STRANGER, HTTP_X_FORWARDED_FOR=HOME)
    # Through the proxy, the address it saw is counted.
    assert logs_in("alice@example.com", password, "172.30.80.1", HTTP_X_FORWARDED_FOR=HOME)
    assert not logs_in("alice@example.com", password, "172.30.80.1", HTTP_X_FORWARDED_FOR=STRANGER)
