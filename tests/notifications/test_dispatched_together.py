"""notifications.outbox.dispatched_together: the rows of many events, one hand-over."""

import pytest

from notifications import outbox
from notifications.models import Notification
from tickets import actions

# Real commits: the hand-over runs after each commit, as in a worker.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def handed(monkeypatch):
    calls = []
    monkeypatch.setattr(outbox, "dispatch", lambda ids: calls.append(list(ids)))
    return calls


def test_rows_committed_inside_are_handed_over_once_at_its_end(alice, sam, technical, handed):
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    # Outside it, each event's rows go after its own commit.
    assert handed == [list(Notification.objects.order_by("pk").values_list("pk", flat=True))]
    handed.clear()
    before = Notification.objects.count()
    with outbox.dispatched_together():
        with outbox.dispatched_together():  # nested: the outermost one hands over
            actions.add_reply(ticket=ticket, author=alice, body="One")
        actions.add_reply(ticket=ticket, author=alice, body="Two")
        assert handed == []
    new = list(Notification.objects.order_by("pk").values_list("pk", flat=True)[before:])
    assert len(new) == 2
    assert handed == [new]
    # After it, back to one hand-over per commit.
    actions.add_reply(ticket=ticket, author=alice, body="Three")
    assert len(handed) == 2


def test_a_failure_inside_still_hands_over_what_was_committed(alice, sam, technical, handed):
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    handed.clear()
    with pytest.raises(RuntimeError), outbox.dispatched_together():
        actions.add_reply(ticket=ticket, author=alice, body="One")
        raise RuntimeError("the loop failed")
    assert handed == [[Notification.objects.latest("pk").pk]]
