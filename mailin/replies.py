"""The answer to a stranger (see answers.py), in English and in Indonesian: we do not know
their language."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .addresses import mailbox_of
from .models import InboundMessage


def _render(name, context, language):
    with translation.override(language):
        subject = " ".join(render_to_string(f"email/{name}.subject.txt", context).split())
        text = render_to_string(f"email/{name}.txt", context)
    return subject, text


def build_unknown_sender(row):
    department = row.department
    from_email = settings.DEFAULT_FROM_EMAIL
    if department:
        from_email = formataddr((department.name, mailbox_of(department)))
    context = {
        "row": row,
        "site_name": settings.SITE_NAME,
        "open_ticket_url": settings.SITE_URL + reverse("tickets:open"),
    }
    english = _render("mailin_unknown_sender", context, "en")
    indonesian = _render("mailin_unknown_sender", context, "id")
    headers = {
        # An answer to an automatic answer would loop.
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if row.message_id:
        headers["In-Reply-To"] = f"<{row.message_id}>"
        headers["References"] = f"<{row.message_id}>"
    return EmailMultiAlternatives(
        subject=f"{english[0]} / {indonesian[0]}",
        body=f"{english[1].rstrip()}\n\n{'-' * 40}\n\n{indonesian[1]}",
        from_email=from_email,
        to=[row.sender],
        headers=headers,
    )


def send(inbound_id, kind):
    row = InboundMessage.objects.defer("raw").select_related("department").filter(pk=inbound_id)
    row = row.first()
    if row is None or kind != "unknown_sender":
        return None
    build_unknown_sender(row).send()
    return kind
