"""Handing work to the Celery workers without ever failing or stalling the caller.

The same pattern as the notification outbox (notifications/outbox.py): one connection
attempt to the broker; when it is down, this process stops trying for a few seconds and the
row stays in the database ("received"), where the periodic re-dispatch finds it later."""

import logging
import time

logger = logging.getLogger(__name__)

BROKER_PAUSE_SECONDS = 5.0
_broker_paused_until = 0.0


def enqueue(task, *args):
    """Publish one task; returns whether it was handed over."""
    global _broker_paused_until
    if time.monotonic() < _broker_paused_until:
        logger.warning("Broker down a moment ago; %s%s waits for the re-dispatch.", task.name, args)
        return False
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Could not enqueue %s%s; it waits for the re-dispatch.", task.name, args, exc_info=True
        )
        return False
    return True


def process_later(inbound_ids):
    from .tasks import process_inbound

    done = 0
    for inbound_id in inbound_ids:
        if not enqueue(process_inbound, inbound_id):
            break
        done += 1
    return done
