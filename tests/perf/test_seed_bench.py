"""seed_bench fills the database for the benchmarks, after seed_demo."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from accounts.models import User
from bench.management.commands.seed_bench import TWENTY_MESSAGES_SUBJECT
from tickets.models import Attachment, Message, Ticket, TicketEvent


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--force", stdout=StringIO())
    before = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = StringIO()
    call_command("seed_bench", tickets=300, demo_tickets=40, customers=20, stdout=out)
    return before, out.getvalue()


def test_it_makes_the_tickets_with_about_four_messages_each(seeded):
    before, _out = seeded
    assert Ticket.objects.filter(pk__gt=before).count() == 300
    messages = Message.objects.filter(ticket__pk__gt=before).count()
    assert 3 * 300 < messages < 5 * 300
    assert Attachment.objects.exists()
    assert TicketEvent.objects.exists()


def test_it_gives_the_demo_customer_their_share_with_a_mix_of_statuses(seeded):
    before, _out = seeded
    demo = User.objects.get(email="customer@example.com")
    generated = demo.tickets.filter(pk__gt=before)
    assert generated.count() == 40
    statuses = dict(generated.values_list("status").annotate(n=Count("id")).order_by())
    assert statuses[Ticket.Status.CLOSED] == 32
    assert len(statuses) >= 3


def test_every_ticket_is_in_a_department_of_the_demo_staff_member(seeded):
    staff = User.objects.get(email="staff@example.com")
    assert not Ticket.objects.exclude(department__in=staff.departments.all()).exists()


def test_one_ticket_of_the_demo_customer_has_a_thread_of_20_messages(seeded):
    ticket = Ticket.objects.get(subject=TWENTY_MESSAGES_SUBJECT)
    assert ticket.customer.email == "customer@example.com"
    assert ticket.messages.filter(is_internal=False).count() == 20
    assert Attachment.objects.filter(message__ticket=ticket).count() == 3


def test_numbers_are_unique_six_digit_numbers_and_new_rows_still_get_ids(seeded, alice, technical):
    before, _out = seeded
    numbers = list(Ticket.objects.filter(pk__gt=before).values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    assert all(len(number) == 6 and number.isdigit() for number in numbers)
    created = Ticket.objects.create(number="1234567", customer=alice, department=technical)
    assert created.pk > max(Ticket.objects.exclude(pk=created.pk).values_list("pk", flat=True))


def test_it_says_what_it_made(seeded):
    _before, out = seeded
    assert "300 tickets_ticket" in out
    assert TWENTY_MESSAGES_SUBJECT in out


def test_it_needs_seed_demo_first(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_bench", tickets=10, stdout=StringIO())
