from django import template
from django.utils import timezone

from sla import display, links
from sla.clock import clocks_for, compute
from sla.models import Rating, TicketClock
from tickets.models import Ticket

register = template.Library()


@register.simple_tag
def sla_attach_clocks(tickets):
    """Give each ticket of a queue page its stored clock's label: joined to the page's
    query when the view asked for it (select_related("sla_clock")), else in one query."""
    tickets = list(tickets)
    missing = [t.pk for t in tickets if not Ticket.sla_clock.is_cached(t)]
    clocks = TicketClock.objects.in_bulk(missing) if missing else {}
    for ticket in tickets:
        if Ticket.sla_clock.is_cached(ticket):
            clock = getattr(ticket, "sla_clock", None) if _has_clock(ticket) else None
        else:
            clock = clocks.get(ticket.pk)
        ticket.sla_due = display.queue_label(clock)
    return ""


def _has_clock(ticket):
    try:
        ticket.sla_clock  # noqa: B018 - a cached lookup
    except TicketClock.DoesNotExist:
        return False
    return True


@register.inclusion_tag("sla/_due.html")
def sla_due(ticket):
    return {"due": getattr(ticket, "sla_due", None)}


@register.inclusion_tag("sla/_ticket_clocks.html")
def sla_ticket_clocks(ticket, thread=None):
    """The staff ticket page's clocks, computed from the ticket's history: from the page's
    thread (its posts and event lines) when given, so that no query reads them again."""
    now = timezone.now()
    if thread is None:
        clocks = clocks_for(ticket, now=now)
    else:
        events = [entry["item"] for entry in thread if entry["kind"] == "event"]
        replies = [
            entry["item"].created_at
            for entry in thread
            if entry["kind"] == "message"
            and entry["item"].is_staff_reply
            and not entry["item"].is_internal
        ]
        clocks = compute(ticket, events=events, first_reply_at=min(replies, default=None), now=now)
    rows = []
    for name, clock in (
        ("first_response", clocks.first_response),
        ("resolution", clocks.resolution),
    ):
        if clock is None:
            rows.append({"name": name, "due": None, "clock": None})
            continue
        label = display.due_label(
            due_at=clock.due_at,
            paused=clock.paused,
            breached=clock.breached,
            stopped=clock.stopped_at is not None,
            now=now,
        )
        rows.append({"name": name, "due": label, "clock": clock})
    return {"rows": rows, "ticket": ticket}


@register.inclusion_tag("sla/_satisfaction_panel.html", takes_context=True)
def satisfaction_panel(context, ticket, thread):
    """On a closed ticket's page, the customer's rating form (when staff had replied)."""
    from sla.forms import RatingForm
    from sla.satisfaction import can_change

    staff_replied = any(m.is_staff_reply and not m.is_internal for m in thread)
    if not (ticket.is_closed and staff_replied):
        return {"show": False}
    rating = Rating.objects.filter(ticket=ticket).first()
    initial = {"score": rating.score, "comment": rating.comment} if rating else {}
    return {
        "show": True,
        "ticket": ticket,
        "rating": rating,
        "locked": rating is not None and not can_change(rating),
        "form": RatingForm(initial=initial),
        "action": links.rate_path(ticket),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def rate_url(ticket, choice=None):
    return links.rate_url(ticket, choice)


@register.simple_tag
def close_url(ticket):
    return links.close_url(ticket)
