"""The Celery app. Workers: `celery -A netdigi worker -Q notifications,celery`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netdigi.settings")

app = Celery("netdigi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
