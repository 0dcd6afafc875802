"""Case 1: a ticket opened in the browser flow → the customer's email arrives at the SMTP
server, with everything the guide promises in it."""

import pytest

from .stack import CUSTOMER, STAFF, ticket_number

pytestmark = pytest.mark.integration


def test_a_ticket_opened_in_the_browser_flow_emails_the_customer_and_the_staff(stack, sink, record):
    browser = stack.customer()
    status, url, page = browser.open_ticket(
        "Website alice-shop.co.id Error 500",
        "The shop shows Error 500 since 09:00.\nIt started after the PHP update.",
        files=[("attachments", "error.log", b"PHP Fatal error: out of memory\n", "text/plain")],
    )
    assert status == 200
    number = ticket_number(page)
    assert url.endswith(f"/support/tickets/{number}/")

    stack.settled([number])
    received = {m["To"]: m for m in sink.received()}
    assert set(received) == {CUSTOMER, STAFF}

    mail = received[CUSTOMER]
    assert mail["Subject"] == f"[Ticket #{number}] Website alice-shop.co.id Error 500"
    assert mail["From"] == "Technical Support <support@netdigi.co.id>"
    assert mail["Message-ID"].startswith("<n") and "notification-" not in mail["Message-ID"]
    assert mail["In-Reply-To"] == f"<ticket-{number}@127.0.0.1>"
    assert mail["References"] == f"<ticket-{number}@127.0.0.1>"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"{stack.base_url}/support/tickets/{number}/"
    for part in (text, html):
        assert link in part
        assert "The shop shows Error 500 since 09:00." in part
        assert "error.log" in part
    assert not list(mail.iter_attachments())

    # The link leads the customer to the ticket.
    status, _, page = browser.get(f"/support/tickets/{number}/")
    assert status == 200 and f"#{number}" in page

    record("1. ticket opened in the browser flow", stack.figures([number]), tickets=1)
    assert stack.figures([number]) == {"notifications": 2, "sent": 2, "lost": 0, "duplicated": 0}
