"""Rendering a notification row into an email: one subject, text and HTML template each.

Every mail about one ticket threads together in mail clients: each has its own stable
Message-ID (the row's), and In-Reply-To / References point to the ticket's thread root and
to the previous mail this recipient got about the ticket.
"""

import unicodedata
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Notification

STAFF_EVENTS = {
    Notification.Event.STAFF_NEW_TICKET,
    Notification.Event.CUSTOMER_REPLY,
    Notification.Event.TICKET_MOVED,
}


def site_domain():
    return settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "netdigi"


def ticket_link(ticket, *, for_staff):
    if for_staff:
        path = reverse("staff:ticket", args=[ticket.number])
    else:
        path = ticket.get_absolute_url()
    return settings.SITE_URL + path


# Control characters (CR, LF, NUL, ...), line and paragraph separators.
LINE_BREAKING = {"Cc", "Zl", "Zp"}


def single_line(text):
    """A header value from anything a person typed: one line, no control characters.

    CR, LF and every other line or paragraph separator become spaces, so nothing typed in a
    subject or a name can end the header and start another one (Bcc:, Content-Type: ...).
    """
    cleaned = "".join(
        " " if unicodedata.category(char) in LINE_BREAKING else char for char in str(text)
    )
    return " ".join(cleaned.split())


def thread_root(ticket):
    """The id every mail of the ticket refers to, so that clients group them."""
    return f"<ticket-{ticket.number}@{site_domain()}>"


def _previous_message_id(notification):
    """The Message-ID of the last mail this recipient was sent about this ticket, if any."""
    previous = (
        Notification.objects.filter(
            ticket_id=notification.ticket_id,
            recipient_id=notification.recipient_id,
            pk__lt=notification.pk,
        )
        .exclude(state=Notification.State.FAILED)
        .order_by("-pk")
        .first()
    )
    return previous.email_message_id if previous else None


def sender_address(department):
    if not department.sender_email:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((single_line(department.name), department.sender_email))


def build_email(notification):
    ticket = notification.ticket
    recipient = notification.recipient
    message = notification.message
    for_staff = notification.event in STAFF_EVENTS
    context = {
        "notification": notification,
        "recipient": recipient,
        "ticket": ticket,
        "message": message,
        "attachments": list(message.attachments.all()) if message else [],
        "ticket_url": ticket_link(ticket, for_staff=for_staff),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    template = f"email/{notification.event}"
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = single_line(render_to_string(f"{template}.subject.txt", context))
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)

    root = thread_root(ticket)
    previous = _previous_message_id(notification)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender_address(ticket.department),
        to=[recipient.email],
        headers={
            "Message-ID": notification.email_message_id,
            "In-Reply-To": previous or root,
            "References": f"{root} {previous}" if previous else root,
            "X-Netdigi-Ticket": ticket.number,
            # No out-of-office replies to an automatic mail.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    email.attach_alternative(html, "text/html")
    return email
