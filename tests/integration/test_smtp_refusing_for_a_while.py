"""Case 4: the SMTP server refuses for a while (greylisting, then a time-out) → the email
is retried with backoff and delivered once the server accepts."""

import pytest

from .stack import CUSTOMER, ticket_number

pytestmark = pytest.mark.integration


def test_an_email_refused_for_a_while_is_retried_and_delivered_once(stack, sink, record):
    sink.script[CUSTOMER] = ["greylist", "greylist", "hang"]
    status, _, page = stack.customer().open_ticket("Refused for a while", "Please help.")
    assert status == 200
    number = ticket_number(page)

    stack.settled([number])
    (customer_row,) = [row for row in stack.database.notifications([number]) if row[2] == CUSTOMER]
    _, _, _, state, attempts, last_error = customer_row
    assert (state, attempts, last_error) == ("sent", 4, "")
    assert sink.transactions[CUSTOMER] == 4

    figures = stack.figures([number])
    record(
        "4. SMTP refuses for a while, then accepts",
        figures,
        tickets=1,
        notes="451, 451, time-out, then accepted on the 4th attempt",
    )
    assert figures == {"notifications": 2, "sent": 2, "lost": 0, "duplicated": 0}
