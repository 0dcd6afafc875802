"""Ticket numbers: random, unique, as short as the crowding of the number space allows."""

import secrets

from django.conf import settings

from ..models import Ticket

# After this many taken numbers in a row, a longer number is drawn: the 6-digit space only
# holds 900,000 tickets.
NUMBER_TRIES_PER_LENGTH = 8


def _draws(digits: int) -> list[str]:
    low = 10 ** (digits - 1)
    return [str(low + secrets.randbelow(9 * low)) for _ in range(NUMBER_TRIES_PER_LENGTH)]


def new_ticket_number() -> str:
    """A random number not yet taken.

    Draws of the current length and of one digit more are checked together, in one query:
    the first free one of the shorter draws wins, else the first free longer one. So a
    crowded 6-digit space (a million tickets) costs the same single query as an empty one.
    """
    digits = settings.TICKET_NUMBER_DIGITS
    while True:
        candidates = list(dict.fromkeys(_draws(digits) + _draws(digits + 1)))
        taken = set(
            Ticket.objects.filter(number__in=candidates).order_by().values_list("number", flat=True)
        )
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        digits += 2
