"""Case 2: Redis stopped, 20 tickets opened → all saved, every request succeeded; Redis
started again → every email arrives, none twice."""

import json
import time

import pytest

from .stack import CUSTOMER, ticket_number

pytestmark = pytest.mark.integration

TICKETS = 20


def test_tickets_opened_while_redis_is_down_are_saved_and_emailed_once_it_is_back(
    stack, sink, record
):
    browser = stack.customer()
    before = stack.database.ticket_count()
    stack.redis.stop()

    status, _, body = browser.get("/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "error", "database": "ok", "broker": "error"}

    numbers, slowest = [], 0.0
    for n in range(TICKETS):
        started = time.monotonic()
        status, url, page = browser.open_ticket(f"Outage ticket {n}", f"Opened while down, {n}.")
        slowest = max(slowest, time.monotonic() - started)
        assert status == 200, page[-2000:]
        number = ticket_number(page)
        assert url.endswith(f"/support/tickets/{number}/")
        numbers.append(number)

    assert stack.database.ticket_count() == before + TICKETS
    rows = stack.database.notifications(numbers)
    assert len(rows) == 2 * TICKETS
    assert {row[3] for row in rows} == {"pending"}
    assert sink.received() == []

    stack.redis.start()
    stack.settled(numbers)
    assert browser.get("/healthz")[0] == 200

    figures = stack.figures(numbers)
    record(
        "2. Redis down while 20 tickets are opened, then back",
        figures,
        tickets=TICKETS,
        notes=f"slowest of the 20 requests while Redis was down: {slowest:.2f} s",
    )
    assert figures == {"notifications": 40, "sent": 40, "lost": 0, "duplicated": 0}
    customer_mails = [m for m in sink.received() if m["To"] == CUSTOMER]
    assert sorted(m["Subject"] for m in customer_mails) == sorted(
        f"[Ticket #{number}] Outage ticket {n}" for n, number in enumerate(numbers)
    )
