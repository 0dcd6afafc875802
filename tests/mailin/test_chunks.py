"""A worker takes the messages stored meanwhile into a chunk after its own one
(pipeline.drain): each message is still processed exactly once, a failure in one leaves the
others processed and itself failed or waiting as when alone, and a message of a chunk whose
worker died waits for its own task, never for another chunk."""

from unittest import mock

import pytest
from django.db import connection

from mailin import pipeline, tasks
from mailin.addresses import reply_address
from mailin.models import InboundMessage
from mailin.pipeline import claim, drain, process
from mailin.store import store
from notifications.models import Notification
from tests.concurrency import in_threads
from tests.factories import TicketFactory
from tickets import actions
from tickets.models import Message

pytestmark = pytest.mark.django_db

State = InboundMessage.State


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):
    """Stored messages are not handed to a task: the test processes them."""
    monkeypatch.setattr("mailin.store.process_later", lambda ids: None)


def reply(ticket, n):
    return (
        f"From: <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\nSubject: Re\r\n"
        f"Message-ID: <chunk-{n}@example.com>\r\n\r\nReply number {n}.\r\n"
    ).encode()


def stored(ticket, count):
    return [store(reply(ticket, n), source="pipe")[0] for n in range(count)]


def states(rows):
    by_pk = dict(InboundMessage.objects.values_list("pk", "state"))
    return [by_pk[row.pk] for row in rows]


def test_a_chunk_processes_each_waiting_message_once_and_their_tasks_find_them_done(ticket):
    rows = stored(ticket, 7)
    assert drain(chunk=3, seconds=60) == 7
    assert states(rows) == [State.POSTED] * 7
    assert Message.objects.filter(ticket=ticket).count() == 7
    # Each message's own task comes after: nothing is posted twice.
    assert [process(row.pk) for row in rows] == [None] * 7
    assert drain(chunk=3, seconds=60) == 0
    assert Message.objects.filter(ticket=ticket).count() == 7
    bodies = sorted(Message.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert bodies == sorted(f"Reply number {n}." for n in range(7))


def test_a_message_processed_by_its_own_task_first_is_not_processed_again(ticket):
    rows = stored(ticket, 3)
    assert process(rows[1].pk) == State.POSTED
    assert drain(chunk=10, seconds=60) == 2
    assert states(rows) == [State.POSTED] * 3
    assert Message.objects.filter(ticket=ticket).count() == 3


def test_a_failure_in_one_message_leaves_the_others_processed(ticket):
    rows = stored(ticket, 3)
    real = actions.add_reply

    def add_reply(**kwargs):
        if kwargs["body"] == "Reply number 1.":
            raise ValueError("a bug")
        return real(**kwargs)

    with mock.patch.object(actions, "add_reply", add_reply):
        assert drain(chunk=10, seconds=60) == 3
    assert states(rows) == [State.POSTED, State.FAILED, State.POSTED]
    failed = InboundMessage.objects.get(pk=rows[1].pk)
    assert failed.detail == "ValueError: a bug"
    assert Message.objects.filter(ticket=ticket).count() == 2
    assert not Message.objects.filter(body="Reply number 1.").exists()


def test_a_passing_fault_leaves_the_message_for_the_redispatch_not_for_the_next_chunk(ticket):
    rows = stored(ticket, 3)
    real = actions.add_reply

    def add_reply(**kwargs):
        if kwargs["body"] == "Reply number 0.":
            raise actions.AttachmentsNotStored("the disk is full")
        return real(**kwargs)

    with mock.patch.object(actions, "add_reply", add_reply):
        assert drain(chunk=10, seconds=60) == 2
        # The next chunk does not take it again at once.
        assert drain(chunk=10, seconds=60) == 0
    assert states(rows) == [State.RECEIVED, State.POSTED, State.POSTED]
    waiting = InboundMessage.objects.get(pk=rows[0].pk)
    assert "the disk is full" in waiting.detail
    # Its own task (or the re-dispatch) processes it once the fault has passed.
    assert process(rows[0].pk) == State.POSTED
    assert Message.objects.filter(ticket=ticket).count() == 3


def test_a_message_of_a_chunk_whose_worker_died_waits_for_its_own_task(ticket):
    rows = stored(ticket, 4)
    # A worker claimed two and died before processing them.
    assert claim(2) == [rows[0].pk, rows[1].pk]
    assert drain(chunk=10, seconds=60) == 2
    assert states(rows) == [State.RECEIVED, State.RECEIVED, State.POSTED, State.POSTED]
    assert process(rows[0].pk) == State.POSTED
    assert process(rows[1].pk) == State.POSTED
    assert Message.objects.filter(ticket=ticket).count() == 4


def test_a_chunk_stops_after_its_time(ticket, monkeypatch):
    stored(ticket, 5)
    moments = iter([0.0, 0.0, 100.0])
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: next(moments))
    assert drain(chunk=2, seconds=10) == 2
    assert InboundMessage.objects.filter(state=State.RECEIVED).count() == 3


def test_a_worker_task_goes_on_with_the_waiting_messages_and_a_task_run_in_process_does_not(
    ticket,
):
    rows = stored(ticket, 3)
    # With no broker the task runs in the process that stored the message: its own only.
    tasks.process_inbound.apply(args=[rows[0].pk])
    assert states(rows) == [State.POSTED, State.RECEIVED, State.RECEIVED]
    # In a worker: its own, then the others.
    tasks.process_inbound.push_request(id="task-1", is_eager=False, called_directly=False)
    try:
        assert tasks.process_inbound.run(rows[1].pk) == State.POSTED
    finally:
        tasks.process_inbound.pop_request()
    assert states(rows) == [State.POSTED] * 3

    # A task whose message a chunk took already ends there: the chunk goes on by itself.
    more = [store(reply(ticket, n), source="pipe")[0] for n in range(10, 12)]
    tasks.process_inbound.push_request(id="task-2", is_eager=False, called_directly=False)
    try:
        assert tasks.process_inbound.run(rows[2].pk) is None
    finally:
        tasks.process_inbound.pop_request()
    assert states(more) == [State.RECEIVED] * 2


@pytest.mark.django_db(transaction=True)
def test_parallel_chunks_and_own_tasks_process_each_message_once(alice, technical, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the PostgreSQL pass of .ci/run runs this")
    settings.TICKET_REPLY_RATE_LIMIT = "1000/10m"
    ticket = TicketFactory(customer=alice, department=technical)
    with mock.patch("mailin.store.process_later", lambda ids: None):
        rows = stored(ticket, 24)
    ids = [row.pk for row in rows]
    processed = []

    def work(number):
        if number % 2:
            # A worker's task: its own message, then chunks.
            processed.append(process(ids[number]))
            drain(chunk=3, seconds=60)
        else:
            # A task delivered late: its own message only, usually found done.
            for inbound_id in ids[number::4]:
                processed.append(process(inbound_id))

    assert in_threads(6, work) == []
    assert states(rows) == [State.POSTED] * 24
    assert Message.objects.filter(ticket=ticket).count() == 24
    bodies = sorted(Message.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert bodies == sorted(f"Reply number {n}." for n in range(24))


@pytest.mark.django_db(transaction=True)
def test_the_staff_emails_of_a_chunk_go_to_the_workers_together_at_its_end(
    ticket, sam, monkeypatch
):
    handed = []
    monkeypatch.setattr("notifications.outbox.dispatch", lambda ids: handed.append(list(ids)))
    rows = stored(ticket, 5)
    assert drain(chunk=3, seconds=60) == 5
    # One hand-over per chunk (3 posts, then 2), each with every staff email of its posts.
    emails = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert len(emails) == 5
    assert handed == [emails[:3], emails[3:]]
    # A message processed on its own hands its emails over after its commit.
    handed.clear()
    row, _ = store(reply(ticket, 99), source="pipe")
    process(row.pk)
    assert handed == [[Notification.objects.latest("pk").pk]]
    assert states(rows) == [State.POSTED] * 5
