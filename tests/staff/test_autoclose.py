"""Auto-close: tickets left "Answered" with no customer reply for TICKET_AUTOCLOSE_HOURS
are closed and the customer is emailed; 0 turns it off. Run with a frozen clock."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from netdigi.celery import app
from tickets import actions
from tickets.models import Ticket
from tickets.tasks import autoclose_tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def answered(sam, alice_ticket, start):
    """alice's ticket, answered by sam at `start`."""
    with time_machine.travel(start, tick=False):
        actions.add_reply(ticket=alice_ticket, author=sam, body="Fixed, please check.")
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.ANSWERED
    return alice_ticket


def run_pass(at):
    with time_machine.travel(at, tick=False):
        return actions.autoclose_stale_tickets()


def test_it_closes_after_the_configured_hours_and_not_before(
    answered, start, settings, django_capture_on_commit_callbacks
):
    settings.TICKET_AUTOCLOSE_HOURS = 72
    assert run_pass(start + timedelta(hours=71, minutes=59)) == []
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.ANSWERED

    with django_capture_on_commit_callbacks(execute=True):
        closed = run_pass(start + timedelta(hours=72, minutes=1))
    assert closed == [answered.number]
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.CLOSED
    assert answered.closed_at == start + timedelta(hours=72, minutes=1)
    event = answered.events.get(new_value=Ticket.Status.CLOSED)
    assert event.actor is None
    # The closing email, and the satisfaction survey (sla/): staff had replied.
    assert [m.to for m in mail.outbox] == [["alice@example.com"]] * 2
    survey = [m for m in mail.outbox if m.subject == f"How did we do? Ticket #{answered.number}"]
    [closing] = [m for m in mail.outbox if m not in survey]
    assert len(survey) == 1
    assert f"#{answered.number}" in closing.subject
    assert "reply" in closing.body


def test_a_customer_reply_keeps_the_ticket_open(alice, answered, start, settings):
    settings.TICKET_AUTOCLOSE_HOURS = 72
    with time_machine.travel(start + timedelta(hours=70), tick=False):
        actions.add_reply(ticket=answered, author=alice, body="Still broken!")
    assert run_pass(start + timedelta(hours=100)) == []
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.CUSTOMER_REPLY


def test_other_statuses_are_never_auto_closed(sam, alice, technical, open_for, start, settings):
    settings.TICKET_AUTOCLOSE_HOURS = 1
    with time_machine.travel(start, tick=False):
        waiting = open_for(alice, technical)
        held = open_for(alice, technical, subject="On hold")
        actions.add_reply(ticket=held, author=sam, body="Waiting", new_status="on_hold")
    assert run_pass(start + timedelta(days=30)) == []
    assert Ticket.objects.filter(pk__in=[waiting.pk, held.pk], status="closed").count() == 0


def test_zero_hours_turns_auto_close_off(answered, start, settings):
    settings.TICKET_AUTOCLOSE_HOURS = 0
    assert run_pass(start + timedelta(days=365)) == []
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.ANSWERED


def test_the_customer_reopens_an_auto_closed_ticket_by_replying(alice, answered, start, settings):
    settings.TICKET_AUTOCLOSE_HOURS = 72
    run_pass(start + timedelta(hours=73))
    actions.add_reply(ticket=answered, author=alice, body="It broke again.")
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.CUSTOMER_REPLY


def test_the_management_command_does_the_same_pass(answered, start, settings):
    settings.TICKET_AUTOCLOSE_HOURS = 72
    out = StringIO()
    with time_machine.travel(start + timedelta(hours=80), tick=False):
        call_command("autoclose_tickets", stdout=out)
    assert f"#{answered.number}" in out.getvalue()
    assert "Closed 1 ticket(s)" in out.getvalue()
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.CLOSED


def test_the_command_says_when_auto_close_is_off(settings):
    settings.TICKET_AUTOCLOSE_HOURS = 0
    out = StringIO()
    call_command("autoclose_tickets", stdout=out)
    assert "off" in out.getvalue()


def test_the_celery_task_does_the_same_pass(answered, start, settings):
    settings.TICKET_AUTOCLOSE_HOURS = 72
    with time_machine.travel(start + timedelta(hours=80), tick=False):
        assert autoclose_tickets.apply().get() == 1
    answered.refresh_from_db()
    assert answered.status == Ticket.Status.CLOSED


def test_beat_runs_the_task_periodically(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["tickets-autoclose"]
    assert schedule["task"] == "tickets.tasks.autoclose_tickets"
    app.loader.import_default_modules()
    assert schedule["task"] in app.tasks
