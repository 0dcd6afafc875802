"""Sent outbox rows are deleted after NOTIFICATION_RETENTION_DAYS; pending and failed rows
are kept whatever their age, and 0 keeps everything."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.outbox import queue
from notifications.tasks import prune_sent

pytestmark = pytest.mark.django_db


def _row(user, state, days_ago):
    row = queue("password_reset", recipients=[user])[0]
    moment = timezone.now() - timedelta(days=days_ago)
    Notification.objects.filter(pk=row.pk).update(
        state=state, sent_at=moment if state == "sent" else None, created_at=moment
    )
    return row.pk


def test_old_sent_rows_go_and_everything_else_stays(alice, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 90
    old_sent = _row(alice, "sent", 91)
    recent_sent = _row(alice, "sent", 89)
    old_pending = _row(alice, "pending", 200)
    old_failed = _row(alice, "failed", 200)
    assert prune_sent() == 1
    left = set(Notification.objects.values_list("pk", flat=True))
    assert old_sent not in left
    assert {recent_sent, old_pending, old_failed} <= left


def test_zero_days_keeps_every_row(alice, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 0
    row = _row(alice, "sent", 1000)
    assert prune_sent() == 0
    assert Notification.objects.filter(pk=row).exists()


def test_the_pass_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-prune-sent"]
    assert entry == {"task": "notifications.tasks.prune_sent", "schedule": 86400.0}
