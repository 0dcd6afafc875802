"""What a ticket change costs the service levels: a refresh rebuilds a day's rollup only
when the ticket's figures changed, in one transaction, with the same queries however many
tickets there are; and the tickets a worker's task saves are refreshed once, together,
when the task ends."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sla import rollups, signals, store
from sla.models import DailyFigures, TicketStat
from tests.factories import TicketFactory
from tickets import actions

from .conftest import at

pytestmark = pytest.mark.django_db

# The figures before, the ticket, its events and public staff replies, the clocks and the
# figures written, in a transaction (a savepoint within the test's); the policy is cached.
REFRESH_QUERIES = 8


@pytest.fixture(autouse=True)
def _policy_cached(settings):
    settings.SLA_POLICY_CACHE_SECONDS = 60


def figures():
    return sorted(
        DailyFigures.objects.values_list("day", "opened", "closed", "staff_replies", "reopened")
    )


def test_a_customer_reply_rebuilds_no_day_and_a_staff_reply_rebuilds_its_days(
    alice, sam, technical, set_target, clock
):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    store.refresh([ticket.pk])
    opened = figures()
    assert opened == [(at(2026, 11, 16).date(), 1, 0, 0, 0)]

    clock.to(at(2026, 11, 16, 9, 10))
    actions.add_reply(ticket=ticket, author=alice, body="Any news?")
    with mock.patch.object(rollups, "roll_up", wraps=rollups.roll_up) as roll_up:
        store.refresh([ticket.pk])
    roll_up.assert_called_once_with(set())
    assert figures() == opened

    clock.to(at(2026, 11, 16, 9, 30))
    actions.add_reply(ticket=ticket, author=sam, body="Looking at it.")
    actions.close_ticket(ticket=ticket, by=sam)
    store.refresh([ticket.pk])
    stat = TicketStat.objects.get(ticket=ticket)
    assert stat.first_response_seconds == 30 * 60
    assert figures() == [(at(2026, 11, 16).date(), 1, 1, 1, 0)]
    # The same as a rebuild of every day from every ticket's figures.
    rollups.rebuild()
    assert figures() == [(at(2026, 11, 16).date(), 1, 1, 1, 0)]


@pytest.mark.parametrize("size", [0, 30])
def test_the_refresh_after_a_reply_costs_the_same_queries_with_more_tickets(size, alice, technical):
    for _ in range(size):
        store.refresh([TicketFactory(customer=alice, department=technical).pk])
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    store.refresh([ticket.pk])
    actions.add_reply(ticket=ticket, author=alice, body="More")
    with CaptureQueriesContext(connection) as queries:
        store.refresh([ticket.pk])
    assert len(queries) == REFRESH_QUERIES


def worker_task(is_eager=False):
    return SimpleNamespace(request=SimpleNamespace(is_eager=is_eager))


def test_the_tickets_a_worker_task_saves_are_refreshed_once_together_at_its_end(
    alice, technical, django_capture_on_commit_callbacks
):
    first = TicketFactory(customer=alice, department=technical)
    second = TicketFactory(customer=alice, department=technical)
    with mock.patch.object(signals, "_enqueue") as enqueue:
        signals.gather_refreshes(task=worker_task())
        with django_capture_on_commit_callbacks(execute=True):
            actions.add_reply(ticket=second, author=alice, body="One")
        with django_capture_on_commit_callbacks(execute=True):
            actions.add_reply(ticket=first, author=alice, body="Two")
            actions.add_reply(ticket=second, author=alice, body="Three")
        assert not enqueue.called
        signals.hand_over_refreshes(task=worker_task())
    [(task, ids)] = [call.args for call in enqueue.call_args_list]
    assert task.name == "sla.tasks.refresh_tickets"
    assert ids == [first.pk, second.pk]

    # The next task starts afresh; a change outside any task is handed over at once.
    with mock.patch.object(signals, "_enqueue") as enqueue:
        signals.gather_refreshes(task=worker_task())
        signals.hand_over_refreshes(task=worker_task())
        assert not enqueue.called
        with django_capture_on_commit_callbacks(execute=True):
            actions.add_reply(ticket=first, author=alice, body="Four")
    [(task, ticket_id)] = [call.args for call in enqueue.call_args_list]
    assert (task.name, ticket_id) == ("sla.tasks.refresh_ticket", first.pk)


def test_a_task_run_in_process_hands_each_ticket_over_at_once(
    alice, technical, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(customer=alice, department=technical)
    with mock.patch.object(signals, "_enqueue") as enqueue:
        signals.gather_refreshes(task=worker_task(is_eager=True))
        with django_capture_on_commit_callbacks(execute=True):
            actions.add_reply(ticket=ticket, author=alice, body="One")
        assert [call.args[1] for call in enqueue.call_args_list] == [ticket.pk]
        signals.hand_over_refreshes(task=worker_task(is_eager=True))
    assert enqueue.call_count == 1


def test_the_refresh_task_of_gathered_tickets_refreshes_them(alice, technical):
    from sla.tasks import refresh_tickets

    tickets = [TicketFactory(customer=alice, department=technical) for _ in range(3)]
    refresh_tickets([t.pk for t in tickets])
    assert TicketStat.objects.filter(ticket__in=tickets).count() == 3
