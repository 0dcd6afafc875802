"""Signed links in emails that work without logging in: rate a ticket, close a ticket.

A link carries the ticket's id and its customer's id, signed with the site's key and a
purpose of its own (a rating link cannot close a ticket), and stamped with the time it was
made: it expires after SLA_LINK_MAX_AGE_DAYS (30). The choice of a rating link (Good,
Okay, Bad) is an unsigned query parameter: it only pre-selects the form.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tickets.models import Ticket

RATE = "sla.rate"
CLOSE = "sla.close"


class LinkInvalid(Exception):
    """The link was changed, or made for another purpose."""


class LinkExpired(Exception):
    """The link is genuine but too old."""


def make_token(ticket, purpose):
    return signing.dumps([ticket.pk, ticket.customer_id], salt=purpose, compress=False)


def read_token(token, purpose):
    """The ticket the token was made for; LinkInvalid or LinkExpired otherwise."""
    max_age = settings.SLA_LINK_MAX_AGE_DAYS * 24 * 3600
    try:
        ticket_id, customer_id = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    ticket = (
        Ticket.objects.select_related("customer", "department")
        .filter(pk=ticket_id, customer_id=customer_id)
        .first()
    )
    if ticket is None:
        raise LinkInvalid
    return ticket


def rate_path(ticket):
    return reverse("sla:rate", args=[make_token(ticket, RATE)])


def rate_url(ticket, choice=None):
    url = settings.SITE_URL + rate_path(ticket)
    return f"{url}?choice={choice}" if choice else url


def close_url(ticket):
    return settings.SITE_URL + reverse("sla:close", args=[make_token(ticket, CLOSE)])
