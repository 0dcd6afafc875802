"""Rendering an outbox row into an email: one subject, text and HTML template each, in the
recipient's language, with the headers every email of ours carries."""

import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification

# Control characters (CR, LF, NUL, ...), line and paragraph separators.
LINE_BREAKING = {"Cc", "Zl", "Zp"}


def single_line(text: object) -> str:
    """A header value from anything a person typed: one line, no control characters.

    CR, LF and every other line or paragraph separator become spaces, so nothing typed in a
    subject or a name can end the header and start another one (Bcc:, Content-Type: ...).
    """
    cleaned = "".join(
        " " if unicodedata.category(char) in LINE_BREAKING else char for char in str(text)
    )
    return " ".join(cleaned.split())


def build_email(notification: Notification) -> EmailMultiAlternatives:
    kind = notification.kind
    recipient = notification.recipient
    context = {
        "notification": notification,
        "recipient": recipient,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context.update(kind.context(notification))
        subject = single_line(render_to_string(f"{kind.template}.subject.txt", context))
        text = render_to_string(f"{kind.template}.txt", context)
        html = render_to_string(f"{kind.template}.html", context)
    headers = {
        "Message-ID": notification.email_message_id,
        # No out-of-office replies to an automatic mail.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        **kind.headers(notification),
    }
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=kind.sender(notification),
        to=kind.addresses(notification),
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    return email
