"""The two emails the intake itself sends: "these files were refused" to a customer
(through the outbox), and "we do not know this address" to a stranger, who has no account
the outbox could address (at most once per address per day).

Both are automatic answers: they carry Auto-Submitted: auto-replied, so a well-behaved
auto-responder does not answer them, and our intake ignores whatever comes back."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications import outbox

from .emails import FILES_REFUSED
from .models import InboundMessage


def unknown_sender(row):
    """Queue the answer to a stranger unless their address had one in the last day.
    Returns whether an answer is sent."""
    if not row.sender:
        return False
    since = timezone.now() - timedelta(days=1)
    already = InboundMessage.objects.filter(
        sender=row.sender, answered_unknown=True, received_at__gte=since
    ).exists()
    if already:
        return False
    row.answered_unknown = True
    pk = row.pk
    transaction.on_commit(lambda: _send(pk, "unknown_sender"))
    return True


def files_refused(row, *, customer, ticket, refused):
    """One outbox email naming each refused file and why (in the caller's transaction)."""
    outbox.queue(FILES_REFUSED, recipients=[customer], ticket=ticket, context={"refused": refused})


def _send(pk, kind):
    from .dispatch import enqueue
    from .tasks import send_answer

    enqueue(send_answer, pk, kind)
