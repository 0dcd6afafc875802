"""Periodic account housekeeping for Celery beat."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessLog
from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone


@shared_task(ignore_result=True)
def clear_expired_sessions():
    """Django's `clearsessions`: expired sessions are never read again, only kept."""
    call_command("clearsessions")


@shared_task(ignore_result=True)
def prune_login_records():
    """Forget failed logins past the cool-off (no limit counts them any more) and the
    login log past LOGIN_LOG_DAYS."""
    now = timezone.now()
    AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME).delete()
    AccessLog.objects.filter(
        attempt_time__lt=now - timedelta(days=settings.LOGIN_LOG_DAYS)
    ).delete()
