"""Our Message-IDs: `<n<row>.<signature>@<site domain>>`, signed with a key derived from
SECRET_KEY. Unguessable, so a reply naming one in In-Reply-To or References proves the mail
reached its sender (mailin trusts nothing else), and the row is read back from it without a
lookup table."""

import re

from django.utils.crypto import constant_time_compare, salted_hmac

from .models import site_domain

SALT = "notifications.message-id"
SIGNATURE_LENGTH = 20
OURS = re.compile(r"^n(?P<pk>\d{1,19})\.(?P<signature>[0-9a-f]{1,64})@(?P<domain>[^@\s]+)$")


def _signature(pk):
    return salted_hmac(SALT, str(pk), algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def message_id(notification_pk):
    return f"<n{notification_pk}.{_signature(notification_pk)}@{site_domain()}>"


def read_message_id(value):
    """The notification row a Message-ID of ours names (its signature checked), else None."""
    match = OURS.match(value.strip("<>") if value else "")
    if not match or match["domain"].lower() != site_domain().lower():
        return None
    return (
        int(match["pk"])
        if constant_time_compare(_signature(match["pk"]), match["signature"])
        else None
    )
