"""The emails of tickets, registered with the outbox (notifications.kinds).

Every mail about one ticket threads together in mail clients: each has its own stable
Message-ID (the outbox row's), and In-Reply-To / References point to the ticket's thread
root and to the previous mail this recipient got about the ticket.
"""

from bisect import bisect_left
from collections import defaultdict
from email.utils import formataddr

from django.conf import settings
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from notifications.emails import single_line
from notifications.kinds import EmailKind, register
from notifications.message_ids import message_id
from notifications.models import Notification, site_domain

from .reply_addresses import reply_address


class TicketEmail(models.TextChoices):
    """The ticket email kinds: names and labels (not database choices)."""

    TICKET_OPENED = "ticket_opened", _("Ticket opened (to the customer)")
    STAFF_NEW_TICKET = "staff_new_ticket", _("New ticket in a queue (to staff)")
    STAFF_REPLY = "staff_reply", _("Staff reply (to the customer)")
    CUSTOMER_REPLY = "customer_reply", _("Customer reply (to staff)")
    TICKET_CLOSED = "ticket_closed", _("Ticket closed (to the customer)")
    TICKET_MOVED = "ticket_moved", _("Ticket moved to a queue (to staff)")


# The kinds that go to staff: their links open the staff ticket page.
STAFF_KINDS = {TicketEmail.STAFF_NEW_TICKET, TicketEmail.CUSTOMER_REPLY, TicketEmail.TICKET_MOVED}


def thread_root(ticket) -> str:
    """The id every mail of the ticket refers to, so that clients group them."""
    return f"<ticket-{ticket.number}@{site_domain()}>"


def sender_address(department) -> str:
    if not department.sender_email:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((single_line(department.name), department.sender_email))


def _previous_message_id(notification: Notification) -> str | None:
    """The Message-ID of the last mail this recipient was sent about this ticket, if any."""
    if "_previous_pk" in notification.__dict__:  # TicketEmailKind.prepare
        previous_pk = notification.__dict__["_previous_pk"]
        return message_id(previous_pk) if previous_pk else None
    previous = (
        Notification.objects.filter(
            ticket_id=notification.ticket_id,
            recipient_id=notification.recipient_id,
            pk__lt=notification.pk,
        )
        .exclude(state=Notification.State.FAILED)
        .order_by("-pk")
        .only("pk")
        .first()
    )
    return previous.email_message_id if previous else None


class TicketEmailKind(EmailKind):
    """An email about one ticket (and, for posts, one message of its thread)."""

    def prepare(self, notifications):
        """The attachments of their messages and the mail before each (as
        _previous_message_id finds it), in two queries for all the rows."""
        prefetch_related_objects([n for n in notifications if n.message_id], "message__attachments")
        if not notifications:
            return
        earlier = defaultdict(list)
        for pk, ticket_id, recipient_id in (
            Notification.objects.filter(
                ticket_id__in={n.ticket_id for n in notifications},
                recipient_id__in={n.recipient_id for n in notifications},
                pk__lt=max(n.pk for n in notifications),
            )
            .exclude(state=Notification.State.FAILED)
            .order_by("pk")
            .values_list("pk", "ticket_id", "recipient_id")
        ):
            earlier[ticket_id, recipient_id].append(pk)
        for notification in notifications:
            pks = earlier[notification.ticket_id, notification.recipient_id]
            position = bisect_left(pks, notification.pk)
            notification.__dict__["_previous_pk"] = pks[position - 1] if position else None

    def context(self, notification):
        ticket = notification.ticket
        message = notification.message
        url = ticket.get_staff_url() if self.for_staff else ticket.get_absolute_url()
        return {
            "ticket": ticket,
            "message": message,
            "attachments": list(message.attachments.all()) if message else [],
            "ticket_url": settings.SITE_URL + url,
        }

    def sender(self, notification):
        return sender_address(notification.ticket.department)

    def headers(self, notification):
        root = thread_root(notification.ticket)
        previous = _previous_message_id(notification)
        headers = {
            "In-Reply-To": previous or root,
            "References": f"{root} {previous}" if previous else root,
            "X-Netdigi-Ticket": notification.ticket.number,
        }
        if not self.for_staff:
            # The customer's reply by email goes to this ticket's signed address (mailin).
            headers["Reply-To"] = reply_address(notification.ticket)
        return headers


KINDS = tuple(
    TicketEmailKind(kind.value, kind.label, for_staff=kind in STAFF_KINDS) for kind in TicketEmail
)


def register_kinds() -> None:
    register(*KINDS)
