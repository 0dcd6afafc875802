"""The periodic pass sends rows left pending by a broker outage or a lost task."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.tasks import redispatch_pending


def make_due(row, seconds_ago):
    Notification.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


@pytest.fixture
def redispatch_after(settings):
    settings.NOTIFICATION_REDISPATCH_AFTER = 180
    return 180


def test_a_row_pending_for_a_few_minutes_is_sent(smtp, row, redispatch_after):
    make_due(row, redispatch_after + 5)
    redispatch_pending.apply()
    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    assert [m.to for m in smtp.accepted] == [["alice@example.com"]]


def test_a_row_that_just_became_due_is_left_to_its_own_task(smtp, row, redispatch_after):
    make_due(row, redispatch_after - 30)
    with mock.patch("notifications.tasks.dispatch", return_value=0) as dispatch:
        redispatch_pending.apply()
    assert dispatch.call_args.args[0] == []
    row.refresh_from_db()
    assert row.state == Notification.State.PENDING


def test_a_row_waiting_for_its_retry_is_not_sent_early(smtp, row, redispatch_after):
    Notification.objects.filter(pk=row.pk).update(
        attempts=2, next_attempt_at=timezone.now() + timedelta(minutes=10)
    )
    with mock.patch("notifications.tasks.dispatch", return_value=0) as dispatch:
        redispatch_pending.apply()
    assert dispatch.call_args.args[0] == []


def test_sent_and_failed_rows_are_never_handed_over_again(smtp, sam, opened, redispatch_after):
    sent, failed = opened.notifications.order_by("pk")
    Notification.objects.filter(pk=sent.pk).update(state=Notification.State.SENT)
    Notification.objects.filter(pk=failed.pk).update(state=Notification.State.FAILED)
    make_due(sent, redispatch_after * 10)
    make_due(failed, redispatch_after * 10)
    with mock.patch("notifications.tasks.dispatch", return_value=0) as dispatch:
        redispatch_pending.apply()
    assert dispatch.call_args.args[0] == []


def test_a_handed_over_row_is_not_handed_over_again_by_the_next_pass(smtp, row, redispatch_after):
    make_due(row, redispatch_after + 5)
    with mock.patch("notifications.tasks.dispatch", return_value=1) as dispatch:
        redispatch_pending.apply()
        redispatch_pending.apply()
    assert [call.args[0] for call in dispatch.call_args_list] == [[row.pk], []]
    row.refresh_from_db()
    assert row.next_attempt_at > timezone.now() - timedelta(seconds=redispatch_after)


def test_beat_runs_the_re_dispatch_every_minute(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "redispatch" in e["task"]]
    assert entries == [
        {"task": "notifications.tasks.redispatch_pending", "schedule": 60.0},
    ]
