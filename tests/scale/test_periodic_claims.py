"""Two beat processes (or ten) send each periodic task once a period: each claims the run in
the database before sending it."""

import threading
from datetime import timedelta

import pytest
from celery.beat import ScheduleEntry
from django.db import connection, connections
from django.db.models.functions import Now

from netdigi.celery import app
from scheduling.claims import CLAIM_SHARE, ClaimingScheduler, claim
from scheduling.models import PeriodicClaim

MINUTE = timedelta(minutes=1)


def _age(name, seconds):
    """Make the last run of `name` start `seconds` ago, by the database's clock."""
    PeriodicClaim.objects.filter(name=name).update(started_at=Now() - timedelta(seconds=seconds))


@pytest.mark.django_db
def test_a_run_is_claimed_once_per_period():
    assert claim("redispatch", MINUTE, host="a") is True
    assert claim("redispatch", MINUTE, host="b") is False
    assert claim("autoclose", MINUTE, host="b") is True, "each task has its own claim"
    _age("redispatch", 60 * CLAIM_SHARE - 2)
    assert claim("redispatch", MINUTE, host="b") is False
    _age("redispatch", 60 * CLAIM_SHARE + 1)
    assert claim("redispatch", MINUTE, host="b") is True
    row = PeriodicClaim.objects.get(name="redispatch")
    assert (row.host, row.runs) == ("b", 2)


@pytest.mark.django_db(transaction=True)
def test_beats_claiming_at_the_same_moment_run_the_task_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: real concurrency needs PostgreSQL")
    claim("autoclose", MINUTE)  # the row exists; every thread now races for the UPDATE
    _age("autoclose", 3600)
    start = threading.Barrier(8)
    outcomes = []

    def beat(number):
        try:
            start.wait()
            outcomes.append(claim("autoclose", MINUTE, host=f"beat{number}"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 7 + [True]
    assert PeriodicClaim.objects.get(name="autoclose").runs == 2


@pytest.mark.django_db(transaction=True)
def test_the_first_claims_of_a_new_task_race_safely():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: real concurrency needs PostgreSQL")
    start = threading.Barrier(6)
    outcomes = []

    def beat():
        try:
            start.wait()
            outcomes.append(claim("brand-new", MINUTE))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 5 + [True]


def _scheduler(tmp_path, name, sent):
    scheduler = ClaimingScheduler(app=app, schedule_filename=str(tmp_path / name), lazy=True)
    scheduler.host = name
    scheduler.apply_async = lambda entry, producer=None, advance=False: sent.append(
        (name, entry.task)
    )
    return scheduler


@pytest.mark.django_db
def test_two_beat_schedulers_send_a_due_task_once(tmp_path, monkeypatch):
    # The test's transaction is the beats' connection: it must not be closed under them.
    monkeypatch.setattr("scheduling.claims.close_old_connections", lambda: None)
    sent = []
    first, second = _scheduler(tmp_path, "beat-a", sent), _scheduler(tmp_path, "beat-b", sent)
    entry = ScheduleEntry(
        name="notifications-redispatch-pending",
        task="notifications.tasks.redispatch_pending",
        schedule=timedelta(seconds=60),
        app=app,
    )
    first.apply_entry(entry)
    second.apply_entry(entry)
    assert sent == [("beat-a", "notifications.tasks.redispatch_pending")]
    _age(entry.name, 61)
    second.apply_entry(entry)
    first.apply_entry(entry)
    assert sent[1:] == [("beat-b", "notifications.tasks.redispatch_pending")]


def test_beat_uses_the_claiming_scheduler(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "scheduling.claims:ClaimingScheduler"
    assert app.conf.beat_scheduler == "scheduling.claims:ClaimingScheduler"
