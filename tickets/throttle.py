"""Flood protection of the customer's Support pages.

A customer who opens tickets or posts faster than any person writes gets a "slow down"
answer: nothing is stored and nothing is emailed. The limits are settings of the form
"COUNT/PERIOD" (PERIOD: a number and s, m, h or d; "" or "0" turns a limit off):

- TICKET_RATE_LIMIT: new tickets of one customer ("5/10m");
- TICKET_REPLY_RATE_LIMIT: posts of one customer, replies and the first messages of new
  tickets together ("20/10m").

They are counted from the customer's own rows, so every web process sees the same count
and nothing else needs to be stored. The second submit of a double click (the same form
token) is never refused: it finds the post the first one made.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ratelimits.rates import Refusal, nth_newest, parse_rate

from .models import Message, Ticket

User = get_user_model()


class RateLimited(Exception):  # noqa: N818 (reads as what happened)
    """A post refused by the flood limits, raised by an action that checked them under the
    customer's row lock; nothing was stored."""

    def __init__(self, refusal: Refusal):
        super().__init__(f"{refusal.count} {refusal.kind} within {refusal.period}")
        self.refusal = refusal


def _token(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def check_new_ticket(customer, submission_token=None, *, lock: bool = False) -> Refusal | None:
    """A Refusal when `customer` may not open a ticket now, else None. One query.

    With `lock` (inside the action's transaction) the customer's row is locked first, so
    that parallel posts of one customer are counted one after the other: the pages check
    early (before any file is decoded), the action checks again under the lock."""
    token = _token(submission_token)
    duplicate = customer.tickets.filter(submission_token=token) if token else None
    return _check(
        customer,
        duplicate,
        lock,
        ("tickets", parse_rate(settings.TICKET_RATE_LIMIT), _ticket_times),
        ("posts", parse_rate(settings.TICKET_REPLY_RATE_LIMIT), _post_times),
    )


def check_reply(
    customer, ticket: Ticket, submission_token=None, *, lock: bool = False
) -> Refusal | None:
    """A Refusal when `customer` may not post on `ticket` now, else None. One query; `lock`
    as for check_new_ticket."""
    token = _token(submission_token)
    duplicate = ticket.messages.filter(submission_token=token) if token else None
    return _check(
        customer,
        duplicate,
        lock,
        ("posts", parse_rate(settings.TICKET_REPLY_RATE_LIMIT), _post_times),
    )


def _check(customer, duplicate, lock, *limits):
    """Everything the decision needs, in one query on the customer's row: whether the post
    is the double submit of one already stored (`duplicate`, never refused), and for each
    limit "COUNT/PERIOD" the time of the COUNT-th newest row within PERIOD (there is none
    while fewer were made)."""
    now = timezone.now()
    limits = [(kind, rate, times) for kind, rate, times in limits if rate]
    if not limits:
        return None
    columns = {f"nth_{kind}": times(rate, now) for kind, rate, times in limits}
    if duplicate is not None:
        columns["duplicate"] = Exists(duplicate)
    rows = User.objects.filter(pk=customer.pk).order_by()
    if lock:
        # The lock first, in a statement of its own: the count that follows then reads
        # (READ COMMITTED) what the posts that held the lock before us committed. Counted
        # in the locking statement itself, it would see the snapshot taken before the wait.
        list(rows.select_for_update().values_list("pk", flat=True))
    state = rows.values(**columns).first() or {}
    if state.get("duplicate"):
        return None
    for kind, (count, period), _times in limits:
        nth = state.get(f"nth_{kind}")
        if nth is not None:
            return Refusal(kind=kind, count=count, period=period, retry_after=nth + period - now)
    return None


def _nth_newest(rows, rate, now):
    return Subquery(nth_newest(rows, rate, now))


def _ticket_times(rate, now):
    return _nth_newest(Ticket.objects.filter(customer=OuterRef("pk")), rate, now)


def _post_times(rate, now):
    return _nth_newest(Message.objects.filter(author=OuterRef("pk")), rate, now)


def _duration(period):
    seconds = int(period.total_seconds())
    for size, label in (
        (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
        (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
        (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
    ):
        if seconds >= size and seconds % size == 0:
            return label(seconds // size) % {"n": seconds // size}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def slow_down(request, refusal: Refusal, *, replying: bool = False) -> int:
    """Tell the customer to slow down, as a message on the page being rendered again, and
    return the seconds for the response's Retry-After header."""
    values = {
        "period": _duration(refusal.period),
        "wait": ngettext("%(n)d minute", "%(n)d minutes", refusal.wait_minutes)
        % {"n": refusal.wait_minutes},
    }
    if refusal.kind == "tickets":
        sent = ngettext(
            "Please slow down: you have opened %(count)d ticket in the last %(period)s.",
            "Please slow down: you have opened %(count)d tickets in the last %(period)s.",
            refusal.count,
        )
    else:
        sent = ngettext(
            "Please slow down: you have sent %(count)d message in the last %(period)s.",
            "Please slow down: you have sent %(count)d messages in the last %(period)s.",
            refusal.count,
        )
    if replying:
        outcome = _("Your reply has not been sent; please try again in %(wait)s.")
    else:
        outcome = _("This ticket has not been opened; please try again in %(wait)s.")
    kept = _("Your text is kept below (attach any files again).")
    messages.error(
        request,
        " ".join([sent % {"count": refusal.count, **values}, outcome % values, kept]),
    )
    return refusal.retry_after_seconds
