"""The intake's email to a customer, sent through the outbox (notifications.kinds): the
files of their email that were not attached, and why."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.kinds import EmailKind, register
from tickets.emails import sender_address

from .addresses import reply_address

FILES_REFUSED = "mailin_files_refused"


class FilesRefusedKind(EmailKind):
    def context(self, notification):
        ticket = notification.ticket
        return {
            "ticket": ticket,
            "refused": notification.context.get("refused", []),
            "ticket_url": settings.SITE_URL + ticket.get_absolute_url(),
        }

    def sender(self, notification):
        return sender_address(notification.ticket.department)

    def headers(self, notification):
        return {
            # An answer to the customer's mail: an auto-responder must not answer it back.
            "Auto-Submitted": "auto-replied",
            "Reply-To": reply_address(notification.ticket),
            "X-Netdigi-Ticket": notification.ticket.number,
        }


KINDS = (FilesRefusedKind(FILES_REFUSED, _("Files of an email not attached (to the customer)")),)


def register_kinds():
    register(*KINDS)
