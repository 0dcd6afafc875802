"""Writing outbox rows in the caller's transaction; they are handed to the workers after
commit (notifications.tasks.dispatch)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from . import kinds
from .models import Notification
from .tasks import dispatch


def queue(
    kind: str,
    *,
    recipients: Iterable[Any],
    ticket: Any = None,
    message: Any = None,
    context: dict | None = None,
) -> list[Notification]:
    """Write one pending row of `kind` per recipient, in the caller's transaction.

    Must run inside the event's transaction.atomic(): the rows commit with the event or not
    at all. After commit each row is handed to a Celery task; if that fails (broker down),
    the row stays pending and the periodic re-dispatch sends it later.
    """
    return queue_events({kind: recipients}, ticket=ticket, message=message, context=context)


def queue_events(
    recipients_by_kind: Mapping[str, Iterable[Any]],
    *,
    ticket: Any = None,
    message: Any = None,
    context: dict | None = None,
) -> list[Notification]:
    """queue() for several kinds of one event ({kind: recipients}), in one INSERT. Inactive
    users get nothing; a user named twice for one kind gets one email."""
    rows = []
    for kind, recipients in recipients_by_kind.items():
        kinds.get(kind)  # an unknown kind fails here, not in the worker
        unique = {user.pk: user for user in recipients if user is not None and user.is_active}
        rows += [
            Notification(
                event=kind, recipient=user, ticket=ticket, message=message, context=context or {}
            )
            for user in unique.values()
        ]
    rows = Notification.objects.bulk_create(rows) if rows else []
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: dispatch(ids))
    return rows
