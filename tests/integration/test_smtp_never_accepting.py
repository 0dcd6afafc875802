"""Case 5: the SMTP server never accepts → the row ends failed with its error, visible in
the admin, and "resend" from the admin delivers it."""

import re

import pytest

from .stack import ADMIN, CUSTOMER, TIMINGS, Browser, ticket_number

pytestmark = pytest.mark.integration

CHANGELIST = "/admin/notifications/notification/"


def test_an_email_never_accepted_ends_failed_and_resend_from_the_admin_delivers_it(
    stack, sink, record
):
    sink.refuse.add(CUSTOMER)
    status, _, page = stack.customer().open_ticket("Never accepted", "Please help.")
    assert status == 200
    number = ticket_number(page)

    stack.settled([number], expect=("sent", "failed"))
    (row,) = [row for row in stack.database.notifications([number]) if row[2] == CUSTOMER]
    row_id, _, _, state, attempts, last_error = row
    assert state == "failed"
    assert attempts == int(TIMINGS["NOTIFICATION_MAX_ATTEMPTS"])
    assert "SMTPRecipientsRefused" in last_error and "451" in last_error
    before = stack.figures([number])
    assert (before["sent"], before["lost"]) == (1, 1)

    admin = Browser(stack.base_url).login(ADMIN, path="/admin/login/")
    status, _, listing = admin.get(f"{CHANGELIST}?state__exact=failed")
    assert status == 200
    assert "SMTPRecipientsRefused" in listing
    assert f'value="{row_id}"' in listing

    sink.refuse.clear()
    status, _, result = admin.post(
        CHANGELIST,
        {
            "csrfmiddlewaretoken": Browser.hidden(listing, "csrfmiddlewaretoken"),
            "action": "resend",
            "_selected_action": str(row_id),
            "index": "0",
        },
    )
    assert status == 200
    assert re.search(r"1 notification queued to be sent again", result)

    stack.settled([number])
    figures = stack.figures([number])
    record(
        "5. SMTP never accepts, then resent from the admin",
        figures,
        tickets=1,
        notes=f"failed after {attempts} attempts with its error; delivered by the resend",
    )
    assert figures == {"notifications": 2, "sent": 2, "lost": 0, "duplicated": 0}
