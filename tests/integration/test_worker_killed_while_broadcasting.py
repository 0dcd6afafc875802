"""An incident update posted to every linked ticket, the worker killed (SIGKILL) in the
middle of the broadcast: every ticket still gets exactly one reply and every customer
exactly one email.

The worker is stopped inside a batch: the test holds the row lock of a ticket of the second
batch, so the broadcast task waits on it with the first batch committed (its replies written
and their emails handed to the outbox) and the second half-written. Then the worker is
killed, as in test_worker_killed_while_sending.py: its pool process (the message goes back
to the queue), or the whole worker (a new one is started and the periodic resume_broadcasts
hands the broadcast over again).
"""

import json
import os
import signal

import psycopg2
import pytest

from .stack import STAFF, Browser

pytestmark = pytest.mark.integration

TARGETS = ["pool process", "whole worker"]
TICKETS = 12  # batches of 5 (stack.TIMINGS): the lock is in the second one
TEXT = "Mail flows again on sg-web-03; delayed messages are being delivered."

SEED = """
import json, secrets
from django.utils import timezone
from accounts.models import User
from network import actions
from network.models import Incident, IncidentTicket
from tickets.models import Department, Ticket
sam = User.objects.get(email={staff!r})
technical = Department.objects.get(slug="technical-support")
now = timezone.now()
incident = actions.create_incident(
    by=sam, kind="incident", title="Email delays ({tag})", impact="major",
    starts_at=now, servers=["sg-web-03"], message="Looking into it.",
)
numbers = []
for i in range({count}):
    customer = User.objects.create_user("{tag}-%d@example.com" % i, None, name="Customer %d" % i)
    ticket = Ticket.objects.create(
        number=str(secrets.randbelow(9 * 10**8) + 10**8), customer=customer,
        department=technical, subject="No mail", last_reply_at=now, waiting_since=now,
        last_reply_by=customer,
    )
    IncidentTicket.objects.create(incident=incident, ticket=ticket)
    numbers.append(ticket.number)
print(json.dumps({{"incident": incident.pk, "numbers": numbers}}))
"""


def seed(stack, tag):
    output = stack.manage("shell", "-c", SEED.format(staff=STAFF, tag=tag, count=TICKETS))
    return json.loads(output.strip().splitlines()[-1])


def kill(stack, target):
    worker = stack.worker
    if target == "pool process":
        (pool_process,) = worker.children()
        os.kill(pool_process, signal.SIGKILL)
    else:
        worker.kill_all()
        stack.start_worker()


def post_to_linked_tickets(stack, incident):
    staff = Browser(stack.base_url).login(STAFF)
    path = f"/staff/incidents/{incident}/"
    _, _, page = staff.get(path)
    status, url, _ = staff.post(
        f"{path}updates/",
        {
            "csrfmiddlewaretoken": Browser.hidden(page, "csrfmiddlewaretoken"),
            "state": "monitoring",
            "body": TEXT,
            "broadcast": "on",
        },
    )
    assert status == 200 and url.endswith(path), (status, url)


def broadcast_waits_on_the_lock(stack):
    rows = stack.database.query(
        """SELECT a.query FROM pg_stat_activity a
           WHERE a.datname = current_database() AND a.application_name = 'worker'
             AND a.wait_event_type = 'Lock'"""
    )
    return any("tickets_ticket" in query and "FOR UPDATE" in query for (query,) in rows)


def replies_per_ticket(stack, numbers):
    rows = stack.database.query(
        """SELECT t.number, count(m.id) FROM tickets_ticket t
           LEFT JOIN tickets_message m ON m.ticket_id = t.id AND m.body = %s
           WHERE t.number = ANY(%s) GROUP BY t.number""",
        [TEXT, list(numbers)],
    )
    return dict(rows)


@pytest.mark.parametrize("target", TARGETS)
def test_a_worker_killed_mid_broadcast_sends_no_duplicate(stack, sink, record, target):
    tag = "pool" if target == "pool process" else "whole"
    world = seed(stack, f"broadcast-{tag}")
    numbers = world["numbers"]
    held = numbers[7]  # created eighth: in the second batch (batches go by ticket id)

    blocker = psycopg2.connect(stack.database.url)
    try:
        with blocker.cursor() as cursor:
            cursor.execute("SELECT id FROM tickets_ticket WHERE number = %s FOR UPDATE", [held])
            post_to_linked_tickets(stack, world["incident"])
            stack.wait(lambda: broadcast_waits_on_the_lock(stack), "the broadcast to wait")
            done = replies_per_ticket(stack, numbers)
            assert sum(done.values()) == 5, "the first batch is committed, the second not"
            kill(stack, target)
    finally:
        blocker.rollback()
        blocker.close()

    stack.wait(
        lambda: set(replies_per_ticket(stack, numbers).values()) == {1},
        "every linked ticket to get its reply",
    )
    stack.settled(numbers)
    figures = stack.figures(numbers)
    record(f"5. worker killed mid-broadcast ({target})", figures, tickets=TICKETS)
    assert replies_per_ticket(stack, numbers) == {number: 1 for number in numbers}
    assert figures == {"notifications": TICKETS, "sent": TICKETS, "lost": 0, "duplicated": 0}
    customers = [m["To"] for m in sink.received() if m["To"].startswith(f"broadcast-{tag}-")]
    assert sorted(customers) == sorted(f"broadcast-{tag}-{i}@example.com" for i in range(TICKETS))
