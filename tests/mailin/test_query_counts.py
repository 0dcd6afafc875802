"""The queries of processing one incoming message do not grow with the data: the same
count with one ticket as with many tickets, posts, notifications and stored messages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mailin.addresses import reply_address
from mailin.models import InboundMessage
from mailin.pipeline import drain, process
from mailin.store import store
from tests.factories import MessageFactory, TicketFactory
from tickets import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roomy_limits(settings):
    """The flood limits keep their queries but do not hold alice's many posts."""
    settings.TICKET_RATE_LIMIT = settings.TICKET_REPLY_RATE_LIMIT = "1000/10m"


# A reply on the signed address, posted: the row (locked), the duplicate key, the reply
# address's ticket (with customer and department), add_reply's eight (the customer's row
# lock and flood check, the ticket's lock, the post, the staff to notify, the notification
# rows, the status event, the ticket), the row's outcome; and six savepoints, which keep a
# failure from leaving anything half-written.
REPLY_QUERIES = 18
# A new ticket by email: the same frame, with the departments, the customer and
# open_ticket's writes instead of the reply's.
NEW_TICKET_QUERIES = 19
# A worker's chunk (pipeline.drain) adds to its messages' own queries the claims (the
# second finds none left) and the mark of the claimed rows, each claim in a savepoint.
CHUNK_QUERIES = 7


def grow(alice, ticket, sam, size):
    """`size` more tickets of alice's with posts and notifications, and stored mail."""
    for n in range(size):
        other = TicketFactory(customer=alice, department=ticket.department)
        MessageFactory(ticket=other)
        actions.add_reply(ticket=other, author=sam, body="Answer")
        InboundMessage.objects.create(
            source="pipe", raw=b"x", sha256=f"{n:064d}", sender="alice@example.com"
        )


def processed_queries(raw, monkeypatch):
    monkeypatch.setattr("mailin.store.process_later", lambda ids: None)
    row, _created = store(raw, source="pipe")
    with CaptureQueriesContext(connection) as queries:
        process(row.pk)
    row.refresh_from_db()
    return row, len(queries)


def stored(raw, monkeypatch):
    monkeypatch.setattr("mailin.store.process_later", lambda ids: None)
    return store(raw, source="pipe")[0]


def reply(ticket, n):
    return (
        f"From: <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\nSubject: Re\r\n"
        f"Message-ID: <q{n}@example.com>\r\n\r\nReply {n}\r\n"
    ).encode()


def new_ticket(n):
    return (
        f"From: <alice@example.com>\r\nTo: <support@netdigi.co.id>\r\nSubject: Help {n}\r\n"
        f"Message-ID: <new{n}@example.com>\r\n\r\nA new problem {n}\r\n"
    ).encode()


@pytest.mark.parametrize("size", [0, 40])
def test_a_reply_costs_the_same_queries_with_little_and_more_data(
    size, alice, ticket, sam, monkeypatch
):
    grow(alice, ticket, sam, size)
    row, count = processed_queries(reply(ticket, size), monkeypatch)
    assert row.state == InboundMessage.State.POSTED
    assert count == REPLY_QUERIES


@pytest.mark.parametrize("size", [0, 40])
def test_a_new_ticket_costs_the_same_queries_with_little_and_more_data(
    size, alice, ticket, sam, monkeypatch
):
    grow(alice, ticket, sam, size)
    row, count = processed_queries(new_ticket(size), monkeypatch)
    assert row.state == InboundMessage.State.NEW_TICKET
    assert count == NEW_TICKET_QUERIES


@pytest.mark.parametrize("size", [0, 40])
def test_a_chunk_costs_the_same_queries_a_message_with_little_and_more_data(
    size, alice, ticket, sam, monkeypatch
):
    """A worker's chunk (pipeline.drain): each message costs what it costs alone. The first
    reply moves the ticket to Customer-Reply (a status event), the others leave it."""
    grow(alice, ticket, sam, size)
    InboundMessage.objects.update(state=InboundMessage.State.IGNORED)
    rows = [stored(reply(ticket, f"{size}-{n}"), monkeypatch) for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        assert drain(chunk=10, seconds=60) == 5
    assert {row.state for row in InboundMessage.objects.filter(pk__in=[r.pk for r in rows])} == {
        InboundMessage.State.POSTED
    }
    assert len(queries) == REPLY_QUERIES + 4 * (REPLY_QUERIES - 1) + CHUNK_QUERIES
