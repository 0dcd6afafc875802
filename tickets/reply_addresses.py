"""Each ticket's own reply address, given as Reply-To in the emails to its customer:
`<department mailbox>+<ticket number>.<signature>@<its domain>`, e.g.
`support+482913.3f9c0a1b7d2e4c6a@netdigi.co.id`. The signature is an HMAC of the number with
a key derived from SECRET_KEY: a customer who knows their own ticket's address cannot make
another ticket's (mailin checks it on every reply)."""

import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "tickets.reply-address"
SIGNATURE_LENGTH = 16
TAGGED = re.compile(
    r"^(?P<local>[^@+\s]+)\+(?P<number>\d{4,12})\.(?P<signature>[0-9a-f]{1,64})"
    r"@(?P<domain>[^@\s]+)$"
)


def _signature(number):
    return salted_hmac(SALT, str(number), algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def mailbox_of(department):
    """The department's own address (its sender address, else DEFAULT_FROM_EMAIL's)."""
    address = (department.sender_email if department else "") or parseaddr(
        settings.DEFAULT_FROM_EMAIL
    )[1]
    return address.lower()


def reply_address(ticket):
    local, _at, domain = mailbox_of(ticket.department).partition("@")
    return f"{local.split('+')[0]}+{ticket.number}.{_signature(ticket.number)}@{domain}"


def read_reply_address(address):
    """(number, signature_ok) for a tagged reply address, None for any other address."""
    match = TAGGED.match(address or "")
    if not match:
        return None
    return match["number"], constant_time_compare(_signature(match["number"]), match["signature"])


def plain_address(address):
    """support+123.abc@x -> support@x: the mailbox a tagged address belongs to."""
    match = TAGGED.match(address or "")
    return f"{match['local']}@{match['domain']}" if match else address
