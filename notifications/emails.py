"""Rendering a notification row into an email: one subject, text and HTML template each."""

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


def single_line(text):
    """Header values never carry a line break: whatever the customer typed."""
    return " ".join(str(text).split())


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

    sender = settings.DEFAULT_FROM_EMAIL
    if ticket.department.sender_email:
        sender = f"{single_line(ticket.department.name)} <{ticket.department.sender_email}>"
    thread_id = f"<ticket-{ticket.number}@{site_domain()}>"
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[recipient.email],
        headers={
            "Message-ID": notification.message_id,
            "In-Reply-To": thread_id,
            "References": thread_id,
            "X-Netdigi-Ticket": ticket.number,
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(html, "text/html")
    return email
