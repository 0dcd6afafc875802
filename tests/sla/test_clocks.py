"""The clocks, computed from a ticket's history, in the scenarios of the issue."""

from datetime import time

from sla.clock import clocks_for
from sla.models import ExtraHoliday
from tickets import actions
from tickets.models import Ticket

from .conftest import at


def open_ticket(customer, department, priority="medium"):
    return actions.open_ticket(
        customer=customer,
        department=department,
        subject="Site down",
        body="Help",
        priority=priority,
    )


def test_friday_afternoon_ticket_with_a_one_hour_target_is_due_monday_morning(
    alice, technical, set_target, calendar, clock
):
    calendar.opens_at = time(9)
    calendar.save()
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 13, 16, 30))  # a Friday
    ticket = open_ticket(alice, technical)

    first = clocks_for(ticket).first_response
    assert first.due_at == at(2026, 11, 16, 9, 30)  # Monday
    assert first.running and not first.breached


def test_with_the_default_hours_from_eight_it_is_due_at_half_past_eight(
    alice, technical, set_target, clock
):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 13, 16, 30))
    ticket = open_ticket(alice, technical)
    assert clocks_for(ticket).first_response.due_at == at(2026, 11, 16, 8, 30)


def test_a_public_holiday_is_skipped(alice, technical, set_target, clock):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    # Friday 14 August 2026; Monday 17 August is Independence Day.
    clock.to(at(2026, 8, 14, 16, 30))
    ticket = open_ticket(alice, technical)
    assert clocks_for(ticket).first_response.due_at == at(2026, 8, 18, 8, 30)


def test_an_extra_day_off_is_skipped_too(alice, technical, set_target, clock):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    ExtraHoliday.objects.create(date=at(2026, 11, 16).date(), name="Cuti bersama")
    clock.to(at(2026, 11, 13, 16, 30))
    ticket = open_ticket(alice, technical)
    assert clocks_for(ticket).first_response.due_at == at(2026, 11, 17, 8, 30)


def test_around_the_clock_targets_count_nights_and_weekends(alice, technical, set_target, clock):
    set_target(technical, "high", first_response=60, resolution=4 * 60, business=False)
    clock.to(at(2026, 11, 13, 16, 30))
    ticket = open_ticket(alice, technical, priority="high")
    clocks = clocks_for(ticket)
    assert clocks.first_response.due_at == at(2026, 11, 13, 17, 30)
    assert clocks.resolution.due_at == at(2026, 11, 13, 20, 30)


def test_resolution_pauses_while_waiting_on_the_customer_and_resumes(
    alice, sam, technical, set_target, clock
):
    set_target(technical, "medium", first_response=60, resolution=4 * 60)
    clock.to(at(2026, 11, 16, 9, 0))  # Monday
    ticket = open_ticket(alice, technical)
    clock.to(at(2026, 11, 16, 10, 0))
    actions.add_reply(ticket=ticket, author=sam, body="Please send the log.")  # Answered

    clock.to(at(2026, 11, 16, 15, 0))
    clocks = clocks_for(ticket)
    assert clocks.resolution.paused and clocks.resolution.due_at is None
    assert clocks.resolution.spent_seconds == 3600
    # The first response stopped at the reply, in time.
    assert clocks.first_response.met is True

    clock.to(at(2026, 11, 17, 9, 0))  # Tuesday
    actions.add_reply(ticket=ticket, author=alice, body="Here it is.")  # Customer-Reply
    clocks = clocks_for(ticket)
    assert clocks.resolution.running
    assert clocks.resolution.due_at == at(2026, 11, 17, 12, 0)


def test_on_hold_pauses_resolution_but_never_the_first_response(
    alice, sam, technical, set_target, clock
):
    set_target(technical, "medium", first_response=120, resolution=4 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical)
    clock.to(at(2026, 11, 16, 9, 30))
    actions.update_ticket(ticket=ticket, by=sam, status=Ticket.Status.ON_HOLD)
    clock.to(at(2026, 11, 16, 12, 0))
    clocks = clocks_for(ticket)
    assert clocks.resolution.paused
    assert clocks.resolution.spent_seconds == 1800
    first = clocks.first_response
    assert first.breached_at == at(2026, 11, 16, 11, 0)
    assert not first.running or first.due_at == at(2026, 11, 16, 11, 0)


def test_a_priority_change_during_a_pause_uses_the_time_already_spent(
    alice, sam, technical, set_target, clock
):
    set_target(technical, "low", first_response=8 * 60, resolution=8 * 60)
    set_target(technical, "high", first_response=30, resolution=2 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical, priority="low")
    clock.to(at(2026, 11, 16, 10, 0))
    actions.add_reply(ticket=ticket, author=sam, body="Which page?")  # paused, 1 h spent
    clock.to(at(2026, 11, 16, 14, 0))
    actions.update_ticket(ticket=ticket, by=sam, priority="high")
    assert clocks_for(ticket).resolution.paused

    clock.to(at(2026, 11, 17, 9, 0))
    actions.add_reply(ticket=ticket, author=alice, body="The checkout.")
    clocks = clocks_for(ticket)
    # 1 h spent of the new 2 h target: one hour left from the resume.
    assert clocks.resolution.due_at == at(2026, 11, 17, 10, 0)
    assert not clocks.resolution.breached


def test_a_tighter_target_already_exceeded_breaches_at_the_resume(
    alice, sam, technical, set_target, clock
):
    set_target(technical, "low", first_response=8 * 60, resolution=8 * 60)
    set_target(technical, "high", first_response=30, resolution=30)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical, priority="low")
    clock.to(at(2026, 11, 16, 10, 0))
    actions.add_reply(ticket=ticket, author=sam, body="Which page?")
    actions.update_ticket(ticket=ticket, by=sam, priority="high")
    clock.to(at(2026, 11, 17, 9, 0))
    actions.add_reply(ticket=ticket, author=alice, body="The checkout.")
    clocks = clocks_for(ticket)
    assert clocks.resolution.breached_at == at(2026, 11, 17, 9, 0)


def test_a_late_first_response_stays_missed(alice, sam, technical, set_target, clock):
    set_target(technical, "high", first_response=30, resolution=8 * 60)
    set_target(technical, "low", first_response=8 * 60, resolution=45 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical, priority="high")
    clock.to(at(2026, 11, 16, 9, 45))
    actions.add_reply(ticket=ticket, author=sam, body="On it.")
    first = clocks_for(ticket).first_response
    assert first.met is False and first.breached_at == at(2026, 11, 16, 9, 30)

    # Lowering the priority afterwards, or closing, does not make it met.
    clock.to(at(2026, 11, 16, 11, 0))
    actions.update_ticket(ticket=ticket, by=sam, priority="low")
    actions.close_ticket(ticket=ticket, by=sam)
    clock.to(at(2026, 11, 20, 11, 0))
    assert clocks_for(ticket).first_response.met is False


def test_a_breach_before_the_priority_was_lowered_stays_a_breach(
    alice, sam, technical, set_target, clock
):
    set_target(technical, "high", first_response=30, resolution=8 * 60)
    set_target(technical, "low", first_response=8 * 60, resolution=45 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical, priority="high")
    clock.to(at(2026, 11, 16, 10, 0))
    actions.update_ticket(ticket=ticket, by=sam, priority="low")
    clock.to(at(2026, 11, 16, 10, 5))
    actions.add_reply(ticket=ticket, author=sam, body="On it.")
    first = clocks_for(ticket).first_response
    assert first.met is False and first.breached_at == at(2026, 11, 16, 9, 30)


def test_an_internal_note_is_not_a_first_response(alice, sam, technical, set_target, clock):
    set_target(technical, "medium", first_response=60, resolution=8 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical)
    clock.to(at(2026, 11, 16, 9, 10))
    actions.add_reply(ticket=ticket, author=sam, body="Looks like disk.", internal=True)
    first = clocks_for(ticket).first_response
    assert first.running and first.due_at == at(2026, 11, 16, 10, 0)


def test_closing_stops_resolution_and_reopening_runs_it_on(
    alice, sam, technical, set_target, clock
):
    set_target(technical, "medium", first_response=60, resolution=4 * 60)
    clock.to(at(2026, 11, 16, 9, 0))
    ticket = open_ticket(alice, technical)
    clock.to(at(2026, 11, 16, 10, 0))
    actions.add_reply(
        ticket=ticket, author=sam, body="Fixed.", new_status=Ticket.Status.IN_PROGRESS
    )
    clock.to(at(2026, 11, 16, 11, 0))
    actions.close_ticket(ticket=ticket, by=sam)
    clocks = clocks_for(ticket)
    assert clocks.resolution.met is True and clocks.resolution.spent_seconds == 2 * 3600

    clock.to(at(2026, 11, 18, 9, 0))
    actions.add_reply(ticket=ticket, author=alice, body="It is back.")
    clocks = clocks_for(ticket)
    assert clocks.reopens == 1
    assert clocks.resolution.running
    assert clocks.resolution.due_at == at(2026, 11, 18, 11, 0)


def test_no_target_no_clock(alice, technical, calendar):
    from sla.models import Target

    Target.objects.filter(department=technical).delete()
    ticket = open_ticket(alice, technical)
    clocks = clocks_for(ticket)
    assert clocks.first_response is None and clocks.resolution is None
