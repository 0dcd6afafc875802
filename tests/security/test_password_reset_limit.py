"""A loop of password-reset requests cannot flood anyone's inbox from our mail server.

PASSWORD_RESET_RATE_LIMIT (3 an hour) caps the reset emails one address is sent, whoever
asks; PASSWORD_RESET_RATE_LIMIT_PER_IP (20 an hour) the requests of one client address,
whatever the emails. Past either, nothing is sent and the answer is exactly the one of a
request that sent a mail, for known and unknown addresses alike.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratelimits.models import Hit

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
SENT = reverse("accounts:password_reset_done")
STRANGER = "198.51.100.66"


def ask(email, address=STRANGER, capture=None):
    client = Client()
    with capture(execute=True):
        response = client.post(RESET, {"email": email}, REMOTE_ADDR=address)
    return response


def answers_alike(first, second):
    return (first.status_code, first["Location"]) == (second.status_code, second["Location"])


def test_the_defaults_are_three_per_email_and_twenty_per_address(settings):
    assert settings.PASSWORD_RESET_RATE_LIMIT == "3/1h"
    assert settings.PASSWORD_RESET_RATE_LIMIT_PER_IP == "20/1h"


def test_an_address_gets_three_reset_emails_an_hour_whoever_asks(
    alice, django_capture_on_commit_callbacks
):
    answers = [
        ask("alice@example.com", f"198.51.100.{n}", django_capture_on_commit_callbacks)
        for n in range(10)
    ]
    assert len(mail.outbox) == 3
    assert all(a.status_code == 302 and a["Location"] == SENT for a in answers)
    assert all(answers_alike(answers[0], a) for a in answers)


def test_every_spelling_of_the_email_counts_as_one(alice, django_capture_on_commit_callbacks):
    spellings = ["alice@example.com", "ALICE@example.com", " Alice@Example.COM"]
    for spelling in spellings:
        ask(spelling, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    ask("alice@\uff45xample.com", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert Hit.objects.filter(scope="password-reset-email").values("key").distinct().count() == 1


def test_one_client_address_gets_twenty_requests_an_hour(
    settings, alice, bob, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_IP = "5/1h"
    for n in range(5):
        ask(f"nobody{n}@example.com", capture=django_capture_on_commit_callbacks)
    refused = ask("bob@example.com", capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # Another address is not affected.
    allowed = ask("bob@example.com", "203.0.113.10", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert answers_alike(refused, allowed)


def test_unknown_and_known_emails_answer_alike_over_the_limit(
    alice, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    known = [ask("alice@example.com", capture=capture) for _ in range(5)]
    unknown = [ask("nobody@example.com", capture=capture) for _ in range(5)]
    assert len(mail.outbox) == 3
    for a, b in zip(known, unknown, strict=True):
        assert answers_alike(a, b)
        assert a.content == b.content


def test_the_hour_passes(alice, django_capture_on_commit_callbacks):
    for _ in range(4):
        ask("alice@example.com", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        ask("alice@example.com", capture=django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 4
        # Rows past every period are gone; typed emails are never stored.
        assert Hit.objects.filter(created_at__lt=timezone.now() - timedelta(hours=1)).count() == 0
    assert not Hit.objects.filter(key__icontains="alice").exists()


def test_limits_can_be_turned_off(settings, alice, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_RATE_LIMIT = "0"
    settings.PASSWORD_RESET_RATE_LIMIT_PER_IP = "0"
    for _ in range(6):
        ask("alice@example.com", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 6


def test_behind_the_proxy_the_client_address_is_counted(
    settings, alice, bob, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_IP = "2/1h"
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for n, email in enumerate(["alice@example.com", "bob@example.com", "alice@example.com"]):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                RESET,
                {"email": email},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, {STRANGER}",
            )
    assert len(mail.outbox) == 2
