"""Building and sending the intake's own automatic answers (see answers.py)."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .addresses import mailbox_of, reply_address
from .models import InboundMessage


def _headers(row):
    headers = {
        # An answer to an automatic answer would loop.
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if row.message_id:
        headers["In-Reply-To"] = f"<{row.message_id}>"
        headers["References"] = f"<{row.message_id}>"
    return headers


def _render(name, context, language):
    with translation.override(language):
        subject = " ".join(render_to_string(f"email/{name}.subject.txt", context).split())
        text = render_to_string(f"email/{name}.txt", context)
    return subject, text


def build(row, kind, refused):
    department = row.department
    sender = mailbox_of(department)
    from_email = settings.DEFAULT_FROM_EMAIL
    if department:
        from_email = formataddr((department.name, sender))
    context = {
        "row": row,
        "refused": refused,
        "site_name": settings.SITE_NAME,
        "open_ticket_url": settings.SITE_URL + reverse("tickets:open"),
    }
    if kind == "unknown_sender":
        # The sender is nobody we know, nor is their language: English, then Indonesian.
        english = _render("mailin_unknown_sender", context, "en")
        indonesian = _render("mailin_unknown_sender", context, "id")
        subject = f"{english[0]} / {indonesian[0]}"
        text = f"{english[1].rstrip()}\n\n{'-' * 40}\n\n{indonesian[1]}"
        return EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=from_email,
            to=[row.sender],
            headers=_headers(row),
        )
    customer, ticket = row.customer, row.ticket
    context.update(
        {
            "recipient": customer,
            "ticket": ticket,
            "ticket_url": settings.SITE_URL + ticket.get_absolute_url(),
        }
    )
    language = customer.language or settings.LANGUAGE_CODE
    subject, text = _render("mailin_files_refused", context, language)
    headers = _headers(row)
    return EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[customer.email],
        headers=headers,
        reply_to=[reply_address(ticket)],
    )


def send(inbound_id, kind, refused):
    row = (
        InboundMessage.objects.defer("raw")
        .select_related("department", "customer", "ticket__department")
        .filter(pk=inbound_id)
        .first()
    )
    if row is None:
        return None
    build(row, kind, refused).send()
    return kind
