"""A broker outage never loses a message: ingest_email still stores it and exits 0, the row
waits as "received", and the periodic pass processes it once the broker is back. Stored
messages are deleted after INBOUND_RETENTION_DAYS."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from mailin import dispatch
from mailin.addresses import reply_address
from mailin.models import InboundMessage
from mailin.tasks import process_waiting, prune_inbound
from tickets.models import Message

from .conftest import run_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broker_not_paused(monkeypatch):
    monkeypatch.setattr(dispatch, "_broker_paused_until", 0.0)


def reply(ticket, n=1):
    return (
        f"From: <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\nSubject: Re\r\n"
        f"Message-ID: <outage-{n}@example.com>\r\n\r\nSent while the broker was down {n}.\r\n"
    ).encode()


def test_a_message_stored_while_the_broker_is_down_is_processed_later(
    ticket, settings, django_capture_on_commit_callbacks
):
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch("mailin.tasks.process_inbound.apply_async", side_effect=refused) as publish:
        with django_capture_on_commit_callbacks(execute=True):
            assert run_ingest(reply(ticket, 1))[0] == 0
            assert run_ingest(reply(ticket, 2))[0] == 0
    # One failed publish is enough: the second message does not try the broker again.
    assert publish.call_count == 1
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"received"}
    assert not Message.objects.exists()

    # Too early: the pass leaves messages that may still be in the queue alone.
    dispatch._broker_paused_until = 0.0
    process_waiting()
    assert not Message.objects.exists()

    InboundMessage.objects.update(received_at=timezone.now() - timedelta(minutes=5))
    process_waiting()
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"posted"}
    assert Message.objects.filter(ticket=ticket).count() == 2


def test_processing_twice_posts_once(ticket, django_capture_on_commit_callbacks):
    """A task delivered twice (a worker lost after processing) finds the row processed."""
    from mailin.pipeline import process

    with django_capture_on_commit_callbacks(execute=True):
        run_ingest(reply(ticket))
    row = InboundMessage.objects.get()
    assert process(row.pk) is None
    assert Message.objects.count() == 1


def test_stored_messages_are_pruned_after_the_retention_period(settings, ticket):
    settings.INBOUND_RETENTION_DAYS = 90
    old = InboundMessage.objects.create(source="pipe", raw=b"old", sha256="1" * 64)
    recent = InboundMessage.objects.create(source="pipe", raw=b"new", sha256="2" * 64)
    InboundMessage.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=91))
    InboundMessage.objects.filter(pk=recent.pk).update(
        received_at=timezone.now() - timedelta(days=89)
    )
    assert prune_inbound() == 1
    assert list(InboundMessage.objects.values_list("pk", flat=True)) == [recent.pk]


def test_beat_runs_the_intake_passes(settings):
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["mailin.tasks.fetch_email"] == 60.0
    assert tasks["mailin.tasks.process_waiting"] == 60.0
    assert "mailin.tasks.prune_inbound" in tasks


def test_fetch_email_does_nothing_without_a_mailbox(settings):
    from mailin.tasks import fetch_email

    settings.EMAIL_INBOX_URL = ""
    assert fetch_email() == 0


def test_an_imap_pass_is_skipped_while_another_runs(settings, monkeypatch):
    from django.core.cache import cache

    from mailin import tasks

    settings.EMAIL_INBOX_URL = "imap://support:secret@127.0.0.1:1/INBOX"
    passes = []
    monkeypatch.setattr("mailin.imap.fetch_once", lambda: passes.append(1) or 3)
    cache.add(tasks.FETCH_LOCK, True, 60)
    try:
        assert tasks.fetch_email() == 0
    finally:
        cache.delete(tasks.FETCH_LOCK)
    assert passes == []
    assert tasks.fetch_email() == 3
    assert passes == [1]
    # The lock is given back after the pass.
    assert cache.add(tasks.FETCH_LOCK, True, 1)
    cache.delete(tasks.FETCH_LOCK)
