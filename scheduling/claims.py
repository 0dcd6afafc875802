"""Periodic tasks run once per period, however many beat processes send them.

Each beat process (celery beat with `scheduling.claims.ClaimingScheduler`, the setting
CELERY_BEAT_SCHEDULER) claims a due task's run before sending it: one UPDATE of the task's
row that succeeds only if the previous run started at least CLAIM_SHARE of the period ago,
by the database's clock. Two beats that find the task due at the same moment both try; the
row lock makes the second one wait and then see the first one's start, so it sends nothing.
One statement in autocommit: no session state, so it works through PgBouncer's transaction
pooling, and on SQLite.

Calling a task by hand (`.delay()`, `.apply()`, the management commands) claims nothing.
"""

import logging
import os
import socket
from datetime import UTC, datetime, timedelta

from celery.beat import PersistentScheduler
from django.db import DatabaseError, close_old_connections
from django.db.models import F
from django.db.models.functions import Now

from .models import PeriodicClaim

logger = logging.getLogger(__name__)

# A run is claimed when the previous one started more than this share of the period ago: a
# little less than the period, so that one beat's own slightly early tick still runs, and a
# second beat, whatever its phase, never adds a run within the same period.
CLAIM_SHARE = 0.8
# Periods that are not a fixed interval (crontab): at most one run a minute is claimed.
CRONTAB_WINDOW = timedelta(seconds=50)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def claim(name, every, *, host=""):
    """Claim this period's run of the periodic task `name` (run every `every`, a
    timedelta). True: run it; False: another process already ran it within the period."""
    window = every * CLAIM_SHARE
    PeriodicClaim.objects.bulk_create(
        [PeriodicClaim(name=name, started_at=LONG_AGO)], ignore_conflicts=True
    )
    claimed = PeriodicClaim.objects.filter(name=name, started_at__lte=Now() - window).update(
        started_at=Now(), host=host[:200], runs=F("runs") + 1
    )
    return claimed == 1


def period_of(entry):
    """The interval of a beat entry: its fixed period, or a minute for a crontab."""
    every = getattr(entry.schedule, "run_every", None)
    return every if isinstance(every, timedelta) and every.total_seconds() > 0 else CRONTAB_WINDOW


class ClaimingScheduler(PersistentScheduler):
    """Celery beat's scheduler that sends a due task only after claiming its run."""

    host = f"{socket.gethostname()}:{os.getpid()}"

    def apply_entry(self, entry, producer=None):
        # A beat lives for months: a connection the database closed meanwhile is replaced.
        close_old_connections()
        try:
            claimed = claim(entry.name, period_of(entry), host=self.host)
        except DatabaseError:
            logger.exception("Periodic task %s not sent: its run could not be claimed", entry.name)
            return
        if not claimed:
            logger.info("Periodic task %s already run by another beat in this period", entry.name)
            return
        super().apply_entry(entry, producer=producer)
