"""Writing notification rows, and handing them to the workers after commit."""

import logging

from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)


def queue(event, *, recipients, ticket, message=None):
    """Write one pending row per recipient, in the caller's transaction.

    Must run inside the action's transaction.atomic(): the rows commit with the event or not
    at all. After commit each row is handed to a Celery task; if that fails (broker down),
    the row stays pending and the periodic re-dispatch sends it later.
    """
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(event=event, recipient=user, ticket=ticket, message=message)
        for user in unique.values()
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: dispatch(ids))
    return rows


def dispatch(notification_ids):
    """Ask the workers to send these rows; never raises (the rows wait for the next pass)."""
    from .tasks import send_notification

    for notification_id in notification_ids:
        try:
            send_notification.apply_async(args=[notification_id], retry=False)
        except Exception:
            logger.warning(
                "Could not enqueue notification %s; it stays pending for the next pass.",
                notification_id,
                exc_info=True,
            )
