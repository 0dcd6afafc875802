"""The public ticket number: 6 random digits, unique, not sequential; longer when full."""

import itertools
import re
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TicketFactory
from tests.tickets.helpers import open_ticket
from tickets.actions import numbering


def test_a_new_ticket_gets_six_digits_not_starting_with_zero(alice, technical):
    numbers = [open_ticket(alice, technical).number for _ in range(5)]
    assert all(re.fullmatch(r"[1-9][0-9]{5}", number) for number in numbers)
    assert len(set(numbers)) == 5


def test_numbers_are_not_sequential(alice, technical):
    numbers = sorted(int(open_ticket(alice, technical).number) for _ in range(5))
    steps = {b - a for a, b in zip(numbers, numbers[1:], strict=False)}
    assert steps != {1}


def test_a_taken_number_is_never_given_twice(alice, technical):
    TicketFactory(number="100000", customer=alice, department=technical)
    # 100000 (taken) three times, then 100001, then anything
    draws = itertools.chain([0, 0, 0, 1], itertools.repeat(2))
    with mock.patch.object(numbering.secrets, "randbelow", side_effect=lambda n: next(draws)):
        ticket = open_ticket(alice, technical)
    assert ticket.number == "100001"


def test_the_number_grows_to_seven_digits_when_six_digit_draws_keep_colliding(alice, technical):
    TicketFactory(number="100000", customer=alice, department=technical)
    with mock.patch.object(numbering.secrets, "randbelow", return_value=0):
        ticket = open_ticket(alice, technical)
    assert ticket.number == "1000000"
    assert ticket.get_absolute_url() == f"/support/tickets/{ticket.number}/"


def test_a_seven_digit_ticket_page_opens(alice_client, alice, technical):
    TicketFactory(number="100000", customer=alice, department=technical)
    with mock.patch.object(numbering.secrets, "randbelow", return_value=0):
        ticket = open_ticket(alice, technical)
    assert alice_client.get(ticket.get_absolute_url()).status_code == 200


def test_a_crowded_number_space_costs_one_query_as_an_empty_one(alice, technical):
    TicketFactory(number="100000", customer=alice, department=technical)
    with mock.patch.object(numbering.secrets, "randbelow", return_value=0):
        with CaptureQueriesContext(connection) as queries:
            number = numbering.new_ticket_number()
    assert number == "1000000"
    assert len(queries) == 1  # the 6-digit and the 7-digit draws are checked together


def test_a_longer_number_is_given_only_when_every_shorter_draw_is_taken(alice, technical):
    TicketFactory(number="100000", customer=alice, department=technical)
    # Six-digit draws: 100000 (taken) seven times, then 100005 (free).
    draws = itertools.chain([0] * 7, [5], itertools.repeat(0))
    with mock.patch.object(numbering.secrets, "randbelow", side_effect=lambda n: next(draws)):
        number = numbering.new_ticket_number()
    assert number == "100005"
