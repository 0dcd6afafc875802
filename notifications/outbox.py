"""Writing notification rows, and handing them to the workers after commit."""

import logging
import time

from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)

# After a failed publish, this process does not try the broker again for this many seconds:
# the other rows of the same request (and the next requests) go straight to the outbox
# instead of each paying for a connection attempt to a broker that is down.
BROKER_PAUSE_SECONDS = 5.0
_broker_paused_until = 0.0


def queue(event, *, recipients, ticket, message=None):
    """Write one pending row per recipient, in the caller's transaction.

    Must run inside the action's transaction.atomic(): the rows commit with the event or not
    at all. After commit each row is handed to a Celery task; if that fails (broker down),
    the row stays pending and the periodic re-dispatch sends it later.
    """
    return queue_events({event: recipients}, ticket=ticket, message=message)


def queue_events(recipients_by_event, *, ticket, message=None):
    """queue() for several events of one action ({event: recipients}), in one INSERT."""
    rows = []
    for event, recipients in recipients_by_event.items():
        unique = {user.pk: user for user in recipients if user is not None and user.is_active}
        rows += [
            Notification(event=event, recipient=user, ticket=ticket, message=message)
            for user in unique.values()
        ]
    rows = Notification.objects.bulk_create(rows) if rows else []
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: dispatch(ids))
    return rows


def dispatch(notification_ids):
    """Ask the workers to send these rows. Never raises: returns how many were enqueued.

    When the broker cannot be reached, publishing gives up after one connection attempt
    (see CELERY_BROKER_TRANSPORT_OPTIONS), and neither the remaining rows nor the next few
    seconds of requests try again: the rows stay pending, and the periodic re-dispatch hands
    them over once the broker is back. So a request that opens a ticket while Redis is down
    still succeeds, without waiting.
    """
    global _broker_paused_until
    from .tasks import send_notification

    notification_ids = list(notification_ids)
    if notification_ids and time.monotonic() < _broker_paused_until:
        logger.warning(
            "Broker unavailable a moment ago; notification(s) %s stay pending for the re-dispatch.",
            notification_ids,
        )
        return 0
    for done, notification_id in enumerate(notification_ids):
        try:
            send_notification.apply_async(args=[notification_id], retry=False)
        except Exception:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "Could not enqueue notification(s) %s; they stay pending for the re-dispatch.",
                notification_ids[done:],
                exc_info=True,
            )
            return done
    return len(notification_ids)
