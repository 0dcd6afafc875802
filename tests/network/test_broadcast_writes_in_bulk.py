"""add_staff_replies (an incident update written into many tickets) leaves each ticket as
add_reply would: status, times, status event line, emails, service level clocks; and costs
the same number of queries for 10 tickets as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network import actions as network_actions
from network import broadcast
from network.models import Incident, IncidentUpdate
from notifications.models import Notification
from sla.models import Survey, TicketClock
from tests.factories import TicketFactory, UserFactory
from tickets import actions
from tickets.models import Message, Ticket, TicketEvent

S = Ticket.Status
STARTS = [S.OPEN, S.CUSTOMER_REPLY, S.ANSWERED, S.ON_HOLD, S.IN_PROGRESS]


def twin_tickets(technical, status):
    """Two tickets alike (each of its own customer), in `status`, the customer waiting
    unless staff answered last."""
    made = []
    for _ in range(2):
        customer = UserFactory()
        waiting = None if status == S.ANSWERED else timezone.now()
        made.append(
            TicketFactory(
                customer=customer,
                department=technical,
                status=status,
                waiting_since=waiting,
                last_reply_at=timezone.now(),
                last_reply_by=customer,
            )
        )
    return made


def outcome(ticket, sam):
    ticket.refresh_from_db()
    reply = ticket.messages.get(author=sam)
    return {
        "status": ticket.status,
        "waiting": ticket.waiting_since,
        "closed": ticket.closed_at == reply.created_at if ticket.closed_at else None,
        "last_reply": (ticket.last_reply_at == reply.created_at, ticket.last_reply_by_id),
        "reply": (reply.body, reply.is_staff_reply, reply.is_internal),
        "events": list(
            TicketEvent.objects.filter(ticket=ticket).values_list(
                "actor", "field", "old_value", "new_value"
            )
        ),
        "emails": list(
            Notification.objects.filter(ticket=ticket).values_list("event", "recipient", "message")
        ),
        "survey": Survey.objects.filter(ticket=ticket).exists(),
    }


@pytest.mark.parametrize("new_status", [None, S.CLOSED, S.ON_HOLD])
@pytest.mark.parametrize("status", STARTS)
def test_each_ticket_ends_as_add_reply_would_leave_it(
    sam, technical, django_capture_on_commit_callbacks, status, new_status
):
    one, bulk = twin_tickets(technical, status)
    body = "Mail flows again."
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(ticket=one, author=sam, body=body, new_status=new_status)
        written = actions.add_staff_replies(
            ticket_ids=[bulk.pk], author=sam, body=lambda ticket: body, new_status=new_status
        )
    assert list(written) == [bulk.pk]

    expected, got = outcome(one, sam), outcome(bulk, sam)
    # The same rows, each about its own ticket and customer.
    for rows in (expected["emails"], got["emails"]):
        rows[:] = [
            (event, "customer" if recipient else None, bool(m)) for event, recipient, m in rows
        ]
    assert got == expected
    assert got["emails"][0] == ("staff_reply", "customer", True)
    # Closing also sends the satisfaction survey (ticket_closed, sla/), in both.
    assert got["survey"] == (new_status == S.CLOSED)
    assert {n.recipient for n in Notification.objects.filter(ticket=bulk)} == {bulk.customer}


def test_the_clocks_of_every_ticket_are_refreshed_after_commit(
    sam, technical, django_capture_on_commit_callbacks
):
    tickets = [TicketFactory(customer=UserFactory(), department=technical) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        written = actions.add_staff_replies(
            ticket_ids=[t.pk for t in tickets], author=sam, body=lambda ticket: "Fixed."
        )
    # One hand-over of the emails, one refresh of the clocks: not one per ticket.
    assert len(callbacks) == 2
    clocks = TicketClock.objects.filter(ticket__in=tickets)
    assert {c.ticket_id: c.first_response_at for c in clocks} == {
        pk: message.created_at for pk, message in written.items()
    }


def test_the_text_is_chosen_per_locked_ticket_in_its_customers_language(
    sam, technical, open_incident, django_capture_on_commit_callbacks
):
    ani, alice = UserFactory(language="id"), UserFactory(language="en")
    tickets = [TicketFactory(customer=c, department=technical) for c in (ani, alice)]
    network_actions.link_tickets(incident=open_incident, tickets=tickets, by=sam)
    with django_capture_on_commit_callbacks(execute=True):
        network_actions.post_update(
            incident=open_incident,
            by=sam,
            state=Incident.State.MONITORING,
            body="Mail flows again.",
            body_id="Email kembali mengalir.",
            broadcast=True,
        )
    bodies = dict(Message.objects.filter(author=sam).values_list("ticket__customer", "body"))
    assert bodies == {ani.pk: "Email kembali mengalir.", alice.pk: "Mail flows again."}


def test_a_customer_is_never_written_to_as_staff_in_their_own_ticket(sam, technical):
    own = TicketFactory(customer=sam, department=technical)
    with pytest.raises(ValueError):
        actions.add_staff_replies(ticket_ids=[own.pk], author=sam, body=lambda t: "x")
    assert not own.messages.exists()


def batch_queries(update, size):
    with CaptureQueriesContext(connection) as queries:
        broadcast.run_batch(update.pk, size=size)
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_batch_costs_the_same_queries_for_10_tickets_as_for_50(sam, technical, open_incident):
    tickets = [TicketFactory(customer=UserFactory(), department=technical) for _ in range(60)]
    network_actions.link_tickets(incident=open_incident, tickets=tickets, by=sam)
    update = IncidentUpdate.objects.create(
        incident=open_incident,
        author=sam,
        body="Mail flows again.",
        state=open_incident.state,
        broadcast=True,
    )
    ten = batch_queries(update, 10)
    fifty = batch_queries(update, 50)
    assert len(ten) == len(fifty)
    # The update's lock, the targets, the tickets' lock, messages (INSERT, one moment),
    # the status lines, the tickets' UPDATE, the outbox rows, the delivery rows.
    assert len(fifty) <= 10
    assert Message.objects.filter(author=sam).count() == 60
