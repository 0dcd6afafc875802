"""Case 3: the worker killed (SIGKILL) while it sends a notification.

- Before the SMTP server accepted the message: the email arrives exactly once.
- After the server accepted it, before the row was marked sent: at most one duplicate,
  with the same Message-ID.

Each is run twice: killing the pool process that sends (the worker's main process puts the
message back in the queue), and killing the whole worker (main process and pool; a new
worker is started, and the periodic re-dispatch hands the row over again).
"""

import os
import signal

import psycopg2
import pytest

from .stack import CUSTOMER, ticket_number

pytestmark = pytest.mark.integration

TARGETS = ["pool process", "whole worker"]


def kill(stack, target):
    worker = stack.worker
    if target == "pool process":
        (pool_process,) = worker.children()
        os.kill(pool_process, signal.SIGKILL)
    else:
        worker.kill_all()
        stack.start_worker()


def open_one(stack, subject):
    status, _, page = stack.customer().open_ticket(subject, "Please help.")
    assert status == 200
    return ticket_number(page)


@pytest.mark.parametrize("target", TARGETS)
def test_killed_before_the_server_accepted_the_email_arrives_exactly_once(
    stack, sink, record, target
):
    sink.gate(CUSTOMER, accept=False)
    number = open_one(stack, f"Killed before accept ({target})")
    stack.wait(sink.arrived.is_set, "the worker to send DATA")

    kill(stack, target)
    sink.proceed.set()  # the server answers a dead connection: "not accepted"

    stack.settled([number])
    figures = stack.figures([number])
    record(f"3a. worker killed before SMTP accepted ({target})", figures, tickets=1)
    assert figures == {"notifications": 2, "sent": 2, "lost": 0, "duplicated": 0}


def worker_waits_to_mark_sent(stack):
    """The worker's database session is waiting for the lock the test holds, on the
    UPDATE that marks the row sent: the server has accepted, the row is not sent."""
    rows = stack.database.query(
        """SELECT a.query FROM pg_stat_activity a
           WHERE a.datname = current_database() AND a.application_name = 'worker'
             AND a.wait_event_type = 'Lock'"""
    )
    return any('SET "state"' in query for (query,) in rows)


@pytest.mark.parametrize("target", TARGETS)
def test_killed_after_the_server_accepted_causes_at_most_one_duplicate_with_the_same_id(
    stack, sink, record, target
):
    sink.gate(CUSTOMER, accept=True)
    number = open_one(stack, f"Killed after accept ({target})")
    stack.wait(sink.arrived.is_set, "the worker to send DATA")

    # Hold back every write to the outbox, then let the server accept: the worker gets its
    # "250" and stops on the UPDATE that would mark the row sent.
    blocker = psycopg2.connect(stack.database.url)
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE notifications_notification IN SHARE MODE")
            sink.proceed.set()
            stack.wait(lambda: worker_waits_to_mark_sent(stack), "the worker to mark sent")
            assert len(sink.received()) == 1
            kill(stack, target)
    finally:
        blocker.rollback()
        blocker.close()

    stack.settled([number])
    figures = stack.figures([number])
    record(
        f"3b. worker killed after SMTP accepted ({target})",
        figures,
        tickets=1,
        notes="the duplicate has the same Message-ID" if figures["duplicated"] else "",
    )
    assert figures["notifications"] == 2
    assert figures["lost"] == 0
    assert figures["duplicated"] <= 1
    copies = [m for m in sink.received() if m["To"] == CUSTOMER]
    assert len({m["Message-ID"] for m in copies}) == 1
