"""The addresses and ids our emails carry, signed so that nobody can forge them.

- Reply-To: `<department mailbox>+<ticket number>.<signature>@<its domain>`, e.g.
  `support+482913.3f9c0a1b7d2e4c6a@netdigi.co.id`. The signature is an HMAC of the number
  with a key derived from SECRET_KEY: a customer who knows their own address cannot make the
  one of another ticket.
- Message-ID: `<n<row>.<signature>@<site domain>>`: unguessable, and the notification row it
  names is read back from it without a lookup table.
"""

import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

REPLY_SALT = "mailin.reply-address"
MESSAGE_ID_SALT = "mailin.message-id"

TAGGED = re.compile(
    r"^(?P<local>[^@+\s]+)\+(?P<number>\d{4,12})\.(?P<signature>[0-9a-f]{1,64})"
    r"@(?P<domain>[^@\s]+)$"
)
OUR_MESSAGE_ID = re.compile(
    r"^n(?P<pk>\d{1,19})\.(?P<signature>[0-9a-f]{1,64})@(?P<domain>[^@\s]+)$"
)


def _signature(salt, value, length):
    return salted_hmac(salt, str(value), algorithm="sha256").hexdigest()[:length]


def site_domain():
    from notifications.models import site_domain

    return site_domain()


def mailbox_of(department):
    """The department's own address (its sender address, else DEFAULT_FROM_EMAIL's)."""
    address = (department.sender_email if department else "") or parseaddr(
        settings.DEFAULT_FROM_EMAIL
    )[1]
    return address.lower()


def reply_address(ticket):
    local, _at, domain = mailbox_of(ticket.department).partition("@")
    local = local.split("+")[0]
    return f"{local}+{ticket.number}.{_signature(REPLY_SALT, ticket.number, 16)}@{domain}"


def read_reply_address(address):
    """(number, signature_ok) for a tagged reply address, None for any other address."""
    match = TAGGED.match(address or "")
    if not match:
        return None
    expected = _signature(REPLY_SALT, match["number"], 16)
    return match["number"], constant_time_compare(expected, match["signature"])


def plain_address(address):
    """support+123.abc@x -> support@x: the mailbox a tagged address belongs to."""
    match = TAGGED.match(address or "")
    return f"{match['local']}@{match['domain']}" if match else address


def message_id(notification_pk):
    signature = _signature(MESSAGE_ID_SALT, notification_pk, 20)
    return f"<n{notification_pk}.{signature}@{site_domain()}>"


def read_message_id(value):
    """The notification row a Message-ID of ours names (its signature checked), else None."""
    match = OUR_MESSAGE_ID.match(value.strip("<>") if value else "")
    if not match or match["domain"].lower() != site_domain().lower():
        return None
    expected = _signature(MESSAGE_ID_SALT, match["pk"], 20)
    return int(match["pk"]) if constant_time_compare(expected, match["signature"]) else None


def is_our_message_id(value):
    """A Message-ID we made (a notification of ours, signed, or a ticket's thread root)."""
    value = (value or "").strip("<>")
    if read_message_id(value) is not None:
        return True
    return value.lower().startswith("ticket-") and value.lower().endswith("@" + site_domain())
