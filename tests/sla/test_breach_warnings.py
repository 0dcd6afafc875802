"""Breach warnings: 30 minutes before and at the breach, once each, through the outbox."""

from django.core import mail

from notifications.models import Notification
from sla import store
from sla.emails import BREACH_WARNING
from sla.models import BreachWarning, TicketClock
from sla.tasks import service_level_pass
from tests.factories import StaffFactory
from tickets import actions

from .conftest import at


def warnings_sent():
    return list(
        Notification.objects.filter(event=BREACH_WARNING)
        .order_by("pk")
        .values_list("recipient__email", "context__stage")
    )


def test_the_assignee_is_warned_before_and_at_the_breach_once_each(
    alice, sam, technical, set_target, clock, django_capture_on_commit_callbacks
):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    actions.update_ticket(ticket=ticket, by=sam, assignee=sam)
    store.refresh([ticket.pk])
    assert TicketClock.objects.get(ticket=ticket).next_due_at == at(2026, 11, 16, 10, 0)

    clock.to(at(2026, 11, 16, 9, 20))
    assert service_level_pass() == 0
    clock.to(at(2026, 11, 16, 9, 31))
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        assert service_level_pass() == 1
    assert warnings_sent() == [("sam@netdigi.test", "soon")]
    [email] = mail.outbox
    assert "First response due soon" in email.subject
    assert "needs a first response by Mon 16 Nov 10:00 WIB" in email.body
    assert service_level_pass() == 0  # once

    clock.to(at(2026, 11, 16, 10, 1))
    assert service_level_pass() == 1
    clock.to(at(2026, 11, 16, 10, 2))
    assert service_level_pass() == 0
    assert warnings_sent() == [("sam@netdigi.test", "soon"), ("sam@netdigi.test", "breached")]


def test_without_an_assignee_the_department_is_warned(alice, sam, technical, set_target, clock):
    colleague = StaffFactory(departments=[technical])
    StaffFactory(departments=[technical], is_active=False)
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    store.refresh([ticket.pk])
    clock.to(at(2026, 11, 16, 10, 30))
    service_level_pass()
    # Noticed after the breach: the breach warning only.
    assert sorted(warnings_sent()) == sorted(
        [("sam@netdigi.test", "breached"), (colleague.email, "breached")]
    )


def test_a_reply_in_time_stops_the_warnings(alice, sam, technical, set_target, clock):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    store.refresh([ticket.pk])
    clock.to(at(2026, 11, 16, 9, 40))
    actions.add_reply(ticket=ticket, author=sam, body="Hi", new_status="in_progress")
    # The stored due moment is stale until the refresh (a lost task): the pass recomputes
    # from history before warning, so nothing is sent for the answered first response.
    clock.to(at(2026, 11, 16, 10, 30))
    service_level_pass()
    assert not BreachWarning.objects.filter(clock="first_response").exists()
    assert TicketClock.objects.get(ticket=ticket).next_due_at == at(2026, 11, 16, 17, 0)


def test_the_pass_catches_up_on_tickets_whose_refresh_was_lost(alice, technical, set_target, clock):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    assert not TicketClock.objects.filter(ticket=ticket).exists()  # on_commit never ran
    clock.to(at(2026, 11, 16, 9, 1))
    service_level_pass()
    assert TicketClock.objects.get(ticket=ticket).first_response_due_at == at(2026, 11, 16, 10)
