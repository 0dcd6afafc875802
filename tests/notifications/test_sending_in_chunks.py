"""The outbox sends several rows per task over one SMTP connection, and keeps the promises
of one row per task: each row in its own locked transaction, a refused row retried after
its backoff while the others go on, a row held elsewhere skipped and sent later, a sent
row never sent again, a row that killed its worker tried alone."""

import smtplib
import socket
import threading
from datetime import timedelta
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import tasks
from notifications.models import Notification
from notifications.tasks import ALONE, UNFINISHED, DeliveryError, deliver_many, dispatch
from tests.factories import TicketFactory, UserFactory
from tickets.emails import TicketEmail

from .conftest import ScriptedBackend


class CountingBackend(ScriptedBackend):
    """The scripted server, counting the connections opened to it."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return True


@pytest.fixture
def counting(smtp, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_sending_in_chunks.CountingBackend"
    CountingBackend.opened = 0
    return smtp


def rows(count, *, technical):
    """`count` pending "staff reply" rows, each to another customer about their ticket."""
    made = []
    for _ in range(count):
        ticket = TicketFactory(customer=UserFactory(), department=technical)
        made.append(
            Notification.objects.create(
                event=TicketEmail.STAFF_REPLY, recipient=ticket.customer, ticket=ticket
            )
        )
    return made


def states(made):
    return {
        row.pk: (row.state, row.attempts)
        for row in Notification.objects.filter(pk__in=[r.pk for r in made])
    }


def test_a_chunk_is_sent_over_one_connection(counting, technical):
    made = rows(5, technical=technical)
    outcomes = deliver_many([row.pk for row in made])
    assert set(outcomes.values()) == {Notification.State.SENT}
    assert CountingBackend.opened == 1
    assert sorted(m.to[0] for m in counting.accepted) == sorted(r.recipient.email for r in made)
    assert set(states(made).values()) == {(Notification.State.SENT, 1)}
    assert not Notification.objects.filter(pk__in=[r.pk for r in made]).exclude(last_error="")


class SessionCounter:
    """A real SMTP server (aiosmtpd) that counts the connections its messages came in."""

    def __init__(self):
        self.sessions = set()
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        self.recipients += envelope.rcpt_tos
        return "250 OK"


def test_over_real_smtp_a_chunk_is_one_session(settings, technical):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = SessionCounter()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        made = rows(4, technical=technical)
        outcomes = deliver_many([row.pk for row in made])
    finally:
        server.stop()
    assert set(outcomes.values()) == {Notification.State.SENT}
    assert len(handler.sessions) == 1
    assert sorted(handler.recipients) == sorted(r.recipient.email for r in made)


def test_a_refused_row_is_retried_later_while_the_others_are_sent(counting, technical):
    made = rows(4, technical=technical)
    counting.script = [None, smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    before = timezone.now()

    outcomes = deliver_many([row.pk for row in made])

    refused = made[1]
    assert isinstance(outcomes[refused.pk], DeliveryError)
    assert outcomes[refused.pk].retry_in == 10
    assert [outcomes[r.pk] for r in made if r is not refused] == [Notification.State.SENT] * 3
    assert CountingBackend.opened == 1  # a refused message leaves the connection usable
    refused.refresh_from_db()
    assert (refused.state, refused.attempts) == (Notification.State.PENDING, 1)
    assert refused.last_error.startswith("SMTPDataError")
    assert refused.next_attempt_at >= before + timedelta(seconds=10)

    # Its retry sends it, and only it.
    assert deliver_many([r.pk for r in made])[refused.pk] == Notification.State.SENT
    assert len(counting.accepted) == 4
    assert states(made)[refused.pk] == (Notification.State.SENT, 2)


def test_a_broken_connection_is_opened_again_for_the_next_rows(counting, technical):
    made = rows(3, technical=technical)
    counting.script = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")]
    outcomes = deliver_many([row.pk for row in made])
    assert isinstance(outcomes[made[0].pk], DeliveryError)
    assert [outcomes[r.pk] for r in made[1:]] == [Notification.State.SENT] * 2
    assert CountingBackend.opened == 2


def test_a_server_that_keeps_failing_is_given_up_for_the_rest_of_the_chunk(counting, technical):
    made = rows(5, technical=technical)
    counting.script = [TimeoutError("timed out")] * 2
    outcomes = deliver_many([row.pk for row in made])
    # Two broken connections: the other rows are not tried now, each is due again later.
    assert CountingBackend.opened == 2
    assert all(isinstance(outcome, DeliveryError) for outcome in outcomes.values())
    assert counting.accepted == []
    assert set(states(made).values()) == {(Notification.State.PENDING, 1)}


def test_the_task_hands_the_refused_rows_to_one_task_after_their_backoff(counting, technical):
    made = rows(4, technical=technical)
    refusal = smtplib.SMTPRecipientsRefused({"x": (450, b"Mailbox busy")})
    counting.script = [refusal, None, refusal]
    with mock.patch.object(tasks.send_notifications, "apply_async") as publish:
        assert tasks.send_notifications.run([row.pk for row in made]) == 2
    publish.assert_called_once_with(args=[[made[0].pk, made[2].pk]], countdown=10, retry=False)


def test_a_sent_row_is_never_sent_twice(counting, technical):
    made = rows(3, technical=technical)
    ids = [row.pk for row in made]
    tasks.send_notifications.apply(args=[ids[:2]])
    tasks.send_notifications.apply(args=[ids])
    tasks.send_notifications.apply(args=[ids + ids])
    assert sorted(m.to[0] for m in counting.accepted) == sorted(r.recipient.email for r in made)
    assert set(states(made).values()) == {(Notification.State.SENT, 1)}


def test_dispatch_hands_over_chunks_of_the_configured_size(settings):
    settings.NOTIFICATION_SEND_BATCH = 50
    ids = list(range(1, 121))
    with mock.patch.object(tasks.send_notifications, "apply_async") as publish:
        assert dispatch(ids) == 120
    assert [call.kwargs["args"] for call in publish.call_args_list] == [
        [ids[:50]],
        [ids[50:100]],
        [ids[100:]],
    ]


def test_a_row_whose_attempt_did_not_finish_is_sent_by_a_task_of_its_own(counting, technical):
    made = rows(3, technical=technical)
    # Its worker died while sending it: the attempt was counted, no outcome recorded.
    suspect = made[1]
    Notification.objects.filter(pk=suspect.pk).update(attempts=1, last_error=UNFINISHED)
    with mock.patch.object(tasks, "dispatch") as handed:
        outcomes = deliver_many([row.pk for row in made])
    handed.assert_called_once_with([suspect.pk])
    assert outcomes[suspect.pk] == ALONE
    assert states(made)[suspect.pk] == (Notification.State.PENDING, 1)
    assert [outcomes[made[0].pk], outcomes[made[2].pk]] == [Notification.State.SENT] * 2

    # Alone, it is counted and sent like any row.
    assert deliver_many([suspect.pk]) == {suspect.pk: Notification.State.SENT}
    assert states(made)[suspect.pk] == (Notification.State.SENT, 2)


def test_a_row_that_keeps_killing_its_worker_fails_without_its_neighbours(counting, technical):
    made = rows(3, technical=technical)
    killer = made[0]
    Notification.objects.filter(pk=killer.pk).update(attempts=3, last_error=UNFINISHED)
    outcomes = deliver_many([row.pk for row in made])
    assert outcomes[killer.pk] == Notification.State.FAILED
    killer.refresh_from_db()
    assert killer.last_error == "Gave up after 3 attempts that did not finish."
    assert [outcomes[r.pk] for r in made[1:]] == [Notification.State.SENT] * 2


def test_the_attempts_are_counted_before_the_first_message_goes_out(counting, technical):
    made = rows(3, technical=technical)
    seen = []

    def send_messages(self, messages):
        # What another connection (a later worker) would read while this one sends.
        seen.append(states(made))
        ScriptedBackend.accepted.extend(messages)
        return len(messages)

    with mock.patch.object(CountingBackend, "send_messages", send_messages):
        deliver_many([row.pk for row in made])
    assert set(seen[0].values()) == {(Notification.State.PENDING, 1)}
    assert Notification.objects.filter(last_error=UNFINISHED).count() == 0
    assert set(states(made).values()) == {(Notification.State.SENT, 1)}


def sending_queries(ids):
    with CaptureQueriesContext(connection) as queries:
        outcomes = deliver_many(ids)
    assert set(outcomes.values()) == {Notification.State.SENT}
    return len([q for q in queries.captured_queries if q["sql"].split()[0] in STATEMENTS])


STATEMENTS = {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_a_chunk_costs_a_few_queries_and_then_the_same_per_row(counting, technical):
    made = rows(40, technical=technical)
    ten = sending_queries([row.pk for row in made[:10]])
    thirty = sending_queries([row.pk for row in made[10:]])
    # Per row: its lock and its "sent" (in a transaction of its own); per chunk: the lock
    # and count of attempts, the rows with what their emails read, the earlier mails of
    # the threads (the rows have no message, so no attachments are looked up).
    per_row = (thirty - ten) / 20
    assert per_row == 2
    assert ten - 10 * per_row == 4


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_elsewhere_is_skipped_and_sent_later(counting, technical):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (one writer at a time); the PostgreSQL run checks")
    made = rows(3, technical=technical)
    held = made[1]
    locked, release = threading.Event(), threading.Event()

    def other_transaction():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    try:
        assert locked.wait(30)
        outcomes = deliver_many([row.pk for row in made])
    finally:
        release.set()
        thread.join()
    assert outcomes[held.pk] == tasks.BUSY
    assert [outcomes[made[0].pk], outcomes[made[2].pk]] == [Notification.State.SENT] * 2
    assert states(made)[held.pk] == (Notification.State.PENDING, 0)

    # Once free it is sent (the re-dispatch hands over rows left pending).
    Notification.objects.filter(pk=held.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    tasks.redispatch_pending.apply()
    assert states(made)[held.pk] == (Notification.State.SENT, 1)
    assert len(counting.accepted) == 3
