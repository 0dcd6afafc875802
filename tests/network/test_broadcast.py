"""Posting an update to all linked tickets: one public reply in each ticket, one email per
customer through the outbox threaded into that ticket, the same text on the status page;
batches that run again write nothing twice; resolving may close every linked ticket."""

import pytest
from django.core import mail

from network import actions, broadcast
from network.models import BroadcastDelivery, Incident, IncidentEvent
from notifications.models import Notification
from tests.factories import TicketFactory, UserFactory
from tickets import actions as ticket_actions
from tickets.models import Message, Ticket

TEXT = "Mail flows again; delayed messages are being delivered."


def linked_tickets(incident, sam, department, count):
    tickets = [TicketFactory(customer=UserFactory(), department=department) for _ in range(count)]
    actions.link_tickets(incident=incident, tickets=tickets, by=sam)
    return tickets


def post(incident, by, capture, **kwargs):
    kwargs.setdefault("state", Incident.State.MONITORING)
    kwargs.setdefault("body", TEXT)
    kwargs.setdefault("broadcast", True)
    with capture(execute=True):
        return actions.post_update(incident=incident, by=by, **kwargs)


@pytest.mark.parametrize("count", [1, 7])
def test_n_tickets_get_n_replies_and_n_emails(
    sam, technical, open_incident, django_capture_on_commit_callbacks, settings, count
):
    settings.NETWORK_BROADCAST_BATCH = 3  # several batches
    tickets = linked_tickets(open_incident, sam, technical, count)
    mail.outbox = []

    update = post(open_incident, sam, django_capture_on_commit_callbacks)

    replies = Message.objects.filter(ticket__in=tickets, body=TEXT, is_staff_reply=True)
    assert replies.count() == count
    assert {r.ticket_id for r in replies} == {t.pk for t in tickets}
    assert not replies.filter(is_internal=True).exists()
    assert len(mail.outbox) == count
    assert sorted(m.to[0] for m in mail.outbox) == sorted(t.customer.email for t in tickets)
    for ticket in tickets:
        email = next(m for m in mail.outbox if m.to == [ticket.customer.email])
        assert TEXT in email.body
        assert email.extra_headers["X-Netdigi-Ticket"] == ticket.number
        assert f"ticket-{ticket.number}@" in email.extra_headers["References"]
    update.refresh_from_db()
    assert update.broadcast_finished_at is not None
    assert Ticket.objects.filter(pk__in=[t.pk for t in tickets], status="answered").count() == count
    done = IncidentEvent.objects.get(action=IncidentEvent.Action.BROADCAST_DONE)
    assert done.detail == str(count)


def test_the_same_text_is_on_the_status_page(
    client, sam, technical, open_incident, django_capture_on_commit_callbacks
):
    linked_tickets(open_incident, sam, technical, 2)
    post(open_incident, sam, django_capture_on_commit_callbacks)
    assert TEXT in client.get("/status/").content.decode()


def test_a_batch_run_again_writes_and_emails_nothing_twice(
    sam, technical, open_incident, django_capture_on_commit_callbacks
):
    tickets = linked_tickets(open_incident, sam, technical, 4)
    update = post(open_incident, sam, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)

    # As if the task were handed to a second worker after the first had written it all.
    update.__class__.objects.filter(pk=update.pk).update(broadcast_finished_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert broadcast.run_batch(update.pk) is None

    assert Message.objects.filter(ticket__in=tickets, body=TEXT).count() == 4
    assert BroadcastDelivery.objects.filter(update=update).count() == 4
    assert len(mail.outbox) == sent == 4
    assert Notification.objects.filter(ticket__in=tickets, message__body=TEXT).count() == 4


def test_each_customer_reads_their_own_language(
    sam, technical, open_incident, django_capture_on_commit_callbacks
):
    ani = UserFactory(language="id")
    ticket = TicketFactory(customer=ani, department=technical)
    actions.link_tickets(incident=open_incident, tickets=[ticket], by=sam)
    post(
        open_incident,
        sam,
        django_capture_on_commit_callbacks,
        body_id="Email kembali mengalir.",
    )
    assert ticket.messages.get(is_staff_reply=True).body == "Email kembali mengalir."


def test_a_customer_reply_reopens_only_their_own_ticket(
    sam, technical, open_incident, django_capture_on_commit_callbacks
):
    first, second = linked_tickets(open_incident, sam, technical, 2)
    post(open_incident, sam, django_capture_on_commit_callbacks)
    ticket_actions.add_reply(ticket=first, author=first.customer, body="Still nothing here.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Ticket.Status.CUSTOMER_REPLY
    assert second.status == Ticket.Status.ANSWERED


def test_closed_tickets_and_other_departments_are_left_alone(
    sam, technical, billing, open_incident, django_capture_on_commit_callbacks
):
    reached, closed = linked_tickets(open_incident, sam, technical, 2)
    Ticket.objects.filter(pk=closed.pk).update(status=Ticket.Status.CLOSED)
    elsewhere = TicketFactory(customer=UserFactory(), department=billing)
    actions.link_tickets(incident=open_incident, tickets=[elsewhere], by=sam)

    post(open_incident, sam, django_capture_on_commit_callbacks)

    assert reached.messages.filter(body=TEXT).exists()
    assert not closed.messages.filter(body=TEXT).exists()
    # sam works in Technical Support only: Billing's ticket is for Billing's staff.
    assert not elsewhere.messages.filter(body=TEXT).exists()
    assert len(mail.outbox) == 1


def test_a_superuser_reaches_every_department(
    root, technical, billing, open_incident, django_capture_on_commit_callbacks
):
    tickets = [
        TicketFactory(customer=UserFactory(), department=department)
        for department in (technical, billing)
    ]
    actions.link_tickets(incident=open_incident, tickets=tickets, by=root)
    post(open_incident, root, django_capture_on_commit_callbacks)
    assert Message.objects.filter(ticket__in=tickets, body=TEXT).count() == 2


def test_resolving_can_close_every_linked_ticket(
    sam, technical, open_incident, django_capture_on_commit_callbacks
):
    tickets = linked_tickets(open_incident, sam, technical, 3)
    post(
        open_incident,
        sam,
        django_capture_on_commit_callbacks,
        state=Incident.State.RESOLVED,
        body="Resolved: every delayed message has been delivered.",
        close_tickets=True,
    )
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.CLOSED
        assert ticket.closed_at is not None
        assert ticket.messages.filter(body__startswith="Resolved:").count() == 1
    # Each customer: the closing reply, and (staff having replied) the satisfaction survey.
    sent = sorted(Notification.objects.values_list("event", flat=True))
    assert sent == ["csat_survey"] * 3 + ["staff_reply"] * 3
    assert len(mail.outbox) == 6
    open_incident.refresh_from_db()
    assert open_incident.state == Incident.State.RESOLVED
    assert open_incident.ends_at is not None
    assert not open_incident.servers.filter(recovered_at__isnull=True).exists()


def test_resolving_without_closing_leaves_tickets_open(
    sam, technical, open_incident, django_capture_on_commit_callbacks
):
    (ticket,) = linked_tickets(open_incident, sam, technical, 1)
    post(
        open_incident,
        sam,
        django_capture_on_commit_callbacks,
        state=Incident.State.RESOLVED,
        body="Resolved.",
        broadcast=False,
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert not ticket.messages.filter(body="Resolved.").exists()


def test_tickets_are_closed_only_by_the_update_that_ends_the_incident(sam, open_incident):
    with pytest.raises(ValueError):
        actions.post_update(
            incident=open_incident,
            by=sam,
            state=Incident.State.MONITORING,
            body="Not yet.",
            close_tickets=True,
        )
