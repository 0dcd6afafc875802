"""What failed logins and sessions leave in the database stays bounded.

A client locked out for too many failures may keep trying, with new emails and new user
agents each time: every try extends its lockout, but adds no row and no data (django-axes
alone would add a row per email and user agent, and append each try's form to the row).
Beat removes what no limit reads any more: attempts past the cool-off, the login log past
LOGIN_LOG_DAYS, and expired sessions (Django's `clearsessions`).
"""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import tasks
from netdigi.celery import app

from .test_login_throttle import STRANGER, attempt, fail, is_lockout_page, logs_in

pytestmark = pytest.mark.django_db


def _stored():
    rows = list(AccessAttempt.objects.values_list("get_data", "post_data"))
    return len(rows), sum(len(get) + len(post) for get, post in rows)


def test_a_locked_out_client_adds_no_rows_however_long_it_tries(alice, password):
    fail("alice@example.com", STRANGER, 5)
    rows, size = _stored()
    for n in range(100):
        response = attempt("alice@example.com", f"guess-{n}", STRANGER, HTTP_USER_AGENT=f"bot/{n}")[
            1
        ]
        assert is_lockout_page(response)
    assert _stored() == (rows, size)
    assert rows == 1


def test_the_tries_of_a_locked_out_client_still_extend_its_lockout(alice, password):
    start = timezone.now()
    fail("alice@example.com", STRANGER, 5)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert is_lockout_page(
            attempt("alice@example.com", "guess", STRANGER, HTTP_USER_AGENT="other")[1]
        )
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert not logs_in("alice@example.com", password, STRANGER)
    with time_machine.travel(start + timedelta(minutes=36), tick=False):
        assert logs_in("alice@example.com", password, STRANGER)


def test_an_address_locked_for_trying_many_emails_adds_no_rows_either(settings, alice):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 8
    for n in range(8):
        attempt(f"customer{n}@example.com", "123456", STRANGER)
    rows = _stored()
    for n in range(40):
        assert is_lockout_page(attempt(f"more{n}@example.com", "123456", STRANGER)[1])
    assert _stored() == rows


def test_beat_runs_the_clean_ups():
    schedule = settings.CELERY_BEAT_SCHEDULE
    entries = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    app.loader.import_default_modules()
    for task in ("accounts.tasks.clear_expired_sessions", "accounts.tasks.prune_login_records"):
        assert task in entries
        assert task in app.tasks
        assert 0 < float(entries[task]) <= 24 * 3600


def test_clearing_sessions_removes_expired_ones_only(alice):
    kept, expired = SessionStore(), SessionStore()
    kept["x"] = expired["x"] = 1
    kept.create()
    expired.set_expiry(1)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    tasks.clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [kept.session_key]


def test_pruning_removes_attempts_past_the_cool_off_and_old_login_records(settings, alice):
    now = timezone.now()
    old, recent = now - timedelta(minutes=16), now - timedelta(minutes=5)
    for n, when in enumerate([old, recent]):
        row = AccessAttempt.objects.create(
            username=f"u{n}@example.com",
            ip_address=STRANGER,
            user_agent="x",
            failures_since_start=1,
        )
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=when)
    for days in (settings.LOGIN_LOG_DAYS + 1, 1):
        row = AccessLog.objects.create(
            username="alice@example.com", ip_address=STRANGER, user_agent="x"
        )
        AccessLog.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(days=days))
    assert settings.LOGIN_LOG_DAYS == 90
    tasks.prune_login_records()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["u1@example.com"]
    assert AccessLog.objects.count() == 1
    assert AccessLog.objects.get().attempt_time > now - timedelta(days=2)
