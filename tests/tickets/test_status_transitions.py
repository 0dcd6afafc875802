"""Every (current status, event) pair and the ticket it leaves: status, waiting_since,
closed_at and last_reply_*. The table below is the product's rule book; the transitions
module (tickets/actions/transitions.py) must give exactly this, and every action goes
through it (the action tests below check the wiring)."""

from datetime import UTC, datetime, timedelta

import pytest

from tickets import actions
from tickets.actions.transitions import Event, InvalidTransition, State, next_state
from tickets.models import Ticket, TicketEvent

S = Ticket.Status
EARLIER = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # the ticket's old times
NOW = EARLIER + timedelta(hours=5)
CUSTOMER, STAFF = 1, 2

# What each status looks like before the event: a closed ticket has closed_at and no wait;
# a ticket waiting on staff (Open, Customer-Reply) has a wait; the others do not.
WAITING = {S.OPEN, S.CUSTOMER_REPLY}


def before(status):
    return State(
        status=status,
        waiting_since=EARLIER if status in WAITING else None,
        closed_at=EARLIER if status == S.CLOSED else None,
        last_reply_at=EARLIER,
        last_reply_by_id=STAFF if status == S.ANSWERED else CUSTOMER,
    )


# The expected state after (event, chosen status) for each current status. "keep" keeps the
# value the ticket had; "now" is the event's time; anything else is the value itself.
KEEP, AT = "keep", "now"
RULES = {
    # event, chosen status: (status, waiting_since, closed_at, last_reply_at, last_reply_by)
    (Event.CUSTOMER_POST, None): ("customer_reply", "wait-or-now", None, AT, CUSTOMER),
    (Event.STAFF_REPLY, None): (S.ANSWERED, None, None, AT, STAFF),
    (Event.STAFF_REPLY, S.IN_PROGRESS): (S.IN_PROGRESS, None, None, AT, STAFF),
    (Event.STAFF_REPLY, S.CLOSED): (S.CLOSED, None, "closed-or-now", AT, STAFF),
    (Event.INTERNAL_NOTE, None): (KEEP, "wait-unless-closed", "closed-if-closed", KEEP, KEEP),
    (Event.INTERNAL_NOTE, S.ON_HOLD): (S.ON_HOLD, "wait-unless-closed", None, KEEP, KEEP),
    (Event.INTERNAL_NOTE, S.CLOSED): (S.CLOSED, None, "closed-or-now", KEEP, KEEP),
    (Event.STATUS_CHANGE, S.OPEN): (S.OPEN, "wait-unless-closed", None, KEEP, KEEP),
    (Event.STATUS_CHANGE, S.ON_HOLD): (S.ON_HOLD, "wait-unless-closed", None, KEEP, KEEP),
    (Event.STATUS_CHANGE, S.CLOSED): (S.CLOSED, None, "closed-or-now", KEEP, KEEP),
    (Event.CLOSE, None): (S.CLOSED, None, "closed-or-now", KEEP, KEEP),
    (Event.AUTO_CLOSE, None): (S.CLOSED, None, "closed-or-now", KEEP, KEEP),
}


def expected(status, rule, actor):
    old = before(status)
    new_status, waiting, closed, reply_at, reply_by = rule
    new_status = old.status if new_status == KEEP else new_status
    waiting = {
        "wait-or-now": old.waiting_since or NOW,
        # A ticket that was closed had no wait; reopening by note or change keeps none.
        "wait-unless-closed": old.waiting_since,
    }.get(waiting, waiting)
    closed = {
        "closed-or-now": old.closed_at or NOW,
        "closed-if-closed": old.closed_at if new_status == S.CLOSED else None,
    }.get(closed, closed)
    return State(
        status=new_status,
        waiting_since=waiting,
        closed_at=closed,
        last_reply_at=old.last_reply_at if reply_at == KEEP else NOW,
        last_reply_by_id=old.last_reply_by_id if reply_by == KEEP else actor,
    )


CASES = [(status, event, chosen) for status in S.values for (event, chosen) in RULES]


@pytest.mark.parametrize(("status", "event", "chosen"), CASES)
def test_every_status_and_event_gives_the_state_of_the_rule_book(status, event, chosen):
    actor = CUSTOMER if event == Event.CUSTOMER_POST else STAFF
    after = next_state(before(status), event, at=NOW, actor_id=actor, status=chosen)
    assert after == expected(status, RULES[(event, chosen)], actor)


def test_opening_waits_for_staff_from_the_first_post():
    after = next_state(before(S.OPEN), Event.OPENED, at=NOW, actor_id=CUSTOMER)
    assert after == State(S.OPEN, NOW, None, NOW, CUSTOMER)


@pytest.mark.parametrize(
    ("event", "chosen"),
    [
        (Event.CUSTOMER_POST, S.ANSWERED),  # a customer never picks a status
        (Event.STATUS_CHANGE, None),  # a status change names its status
        (Event.CLOSE, S.OPEN),
        (Event.STAFF_REPLY, "nonsense"),
    ],
)
def test_impossible_transitions_are_refused(event, chosen):
    with pytest.raises(InvalidTransition):
        next_state(before(S.OPEN), event, at=NOW, actor_id=STAFF, status=chosen)


def test_every_status_of_the_model_is_in_the_table():
    assert {status for status, _e, _c in CASES} == set(S.values)


# --- The actions go through the table -----------------------------------------------------


@pytest.fixture
def answered(alice, sam, technical):
    from tests.tickets.helpers import open_ticket

    ticket = open_ticket(alice, technical)
    actions.add_reply(ticket=ticket, author=sam, body="Fixed, please check.")
    ticket.refresh_from_db()
    return ticket


def test_an_internal_note_that_closes_clears_the_wait(answered, alice, sam):
    actions.add_reply(ticket=answered, author=alice, body="Still broken.")
    answered.refresh_from_db()
    assert answered.waiting_since is not None
    actions.add_reply(
        ticket=answered, author=sam, body="Duplicate.", internal=True, new_status=S.CLOSED
    )
    answered.refresh_from_db()
    assert (answered.status, answered.waiting_since) == (S.CLOSED, None)
    assert answered.closed_at is not None
    # A customer reply after that waits from its own time, not from the old wait.
    reply = actions.add_reply(ticket=answered, author=alice, body="Not a duplicate!")
    answered.refresh_from_db()
    assert answered.waiting_since == reply.created_at
    assert (answered.status, answered.closed_at) == (S.CUSTOMER_REPLY, None)


@pytest.mark.parametrize("how", ["close", "auto-close", "field change", "staff reply"])
def test_every_way_of_closing_leaves_the_same_fields(answered, alice, sam, how):
    actions.add_reply(ticket=answered, author=alice, body="Waiting again.")
    if how == "close":
        actions.close_ticket(ticket=answered, by=sam)
    elif how == "auto-close":
        actions.close_ticket(ticket=answered, by=None, automatic=True)
    elif how == "field change":
        actions.update_ticket(ticket=answered, by=sam, status=S.CLOSED)
    else:
        actions.add_reply(ticket=answered, author=sam, body="Done.", new_status=S.CLOSED)
    answered.refresh_from_db()
    assert answered.status == S.CLOSED
    assert answered.waiting_since is None and answered.closed_at is not None
    last = answered.events.filter(field=TicketEvent.Field.STATUS).latest("pk")
    assert (last.old_value, last.new_value) == (S.CUSTOMER_REPLY, S.CLOSED)
