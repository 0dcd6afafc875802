"""How often a password reset may be asked for: PASSWORD_RESET_RATE_LIMIT per email address
(whoever asks) and PASSWORD_RESET_RATE_LIMIT_PER_IP per client address (whatever the
emails). Past either, no email is sent and the page answers exactly as it does otherwise,
so the limit tells nothing about which addresses have an account; it only keeps a loop of
requests from flooding someone's inbox from our mail server.
"""

from django.conf import settings

from ratelimits.counters import check_and_record, keyed

from .identifiers import normalise_email
from .throttle import client_ip


def reset_allowed(request, email):
    """Record a reset request for `email` from this client, or return False when one of
    the limits is reached (nothing is recorded then)."""
    refusal = check_and_record(
        [
            (
                "password-reset-email",
                keyed(normalise_email(email or "")),
                settings.PASSWORD_RESET_RATE_LIMIT,
            ),
            (
                "password-reset-ip",
                client_ip(request) or "",
                settings.PASSWORD_RESET_RATE_LIMIT_PER_IP,
            ),
        ]
    )
    return refusal is None
