"""Writing outbox rows in the caller's transaction; they are handed to the workers after
commit (notifications.tasks.dispatch)."""

import threading
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
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
    return _write(_rows(recipients_by_kind, ticket=ticket, message=message, context=context))


def queue_each(events: Iterable[Mapping[str, Any]]) -> list[Notification]:
    """queue_events() for many events at once (each a dict of its keyword arguments:
    recipients_by_kind, ticket, message, context): one INSERT, one hand-over after commit."""
    rows = []
    for event in events:
        rows += _rows(
            event["recipients_by_kind"],
            ticket=event.get("ticket"),
            message=event.get("message"),
            context=event.get("context"),
        )
    return _write(rows)


def _rows(recipients_by_kind, *, ticket, message, context) -> list[Notification]:
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
    return rows


def _write(rows: list[Notification]) -> list[Notification]:
    rows = Notification.objects.bulk_create(rows) if rows else []
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: _hand_over(ids))
    return rows


# The rows committed inside dispatched_together() (None outside it).
_together = threading.local()


def _hand_over(ids):
    gathered = getattr(_together, "ids", None)
    if gathered is None:
        dispatch(ids)
    else:
        gathered.extend(ids)


@contextmanager
def dispatched_together():
    """The rows committed inside are handed to the workers together when it ends, in chunks
    of NOTIFICATION_SEND_BATCH, instead of after each commit: for a loop of many events (a
    worker processing a chunk of incoming email), one publish and one SMTP connection per
    chunk of emails rather than per event. Rows whose hand-over is lost (the process dies
    inside) stay pending and the periodic re-dispatch sends them."""
    if getattr(_together, "ids", None) is not None:
        yield
        return
    _together.ids = []
    try:
        yield
    finally:
        ids, _together.ids = _together.ids, None
        if ids:
            dispatch(ids)
