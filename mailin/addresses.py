"""The signed addresses and ids of our emails, as the intake reads them: each ticket's
reply address (tickets.reply_addresses) and our Message-IDs (notifications.message_ids)."""

from notifications.message_ids import OURS as OUR_MESSAGE_ID
from notifications.message_ids import message_id, read_message_id
from notifications.models import site_domain
from tickets.reply_addresses import (
    mailbox_of,
    plain_address,
    read_reply_address,
    reply_address,
)

__all__ = [
    "OUR_MESSAGE_ID",
    "is_our_message_id",
    "mailbox_of",
    "message_id",
    "plain_address",
    "read_message_id",
    "read_reply_address",
    "reply_address",
    "site_domain",
]


def is_our_message_id(value):
    """A Message-ID we made (a notification of ours, signed, or a ticket's thread root)."""
    value = (value or "").strip("<>")
    if read_message_id(value) is not None:
        return True
    return value.lower().startswith("ticket-") and value.lower().endswith("@" + site_domain())
