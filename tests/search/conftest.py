"""Tickets to search: alice's in Technical Support (with a staff reply and an internal
note) and bob's in Billing & Payments."""

import pytest

from tests.kb.conftest import hosting  # noqa: F401 (a fixture of these tests too)
from tickets import actions


@pytest.fixture
def broken_site(alice, sam, technical):
    ticket = actions.open_ticket(
        customer=alice,
        department=technical,
        subject="Website alice-shop.co.id Error 500",
        body="Since this morning the shop shows an internal server error after a plugin update.",
    )
    actions.add_reply(ticket=ticket, author=sam, body="Please rename the plugins folder.")
    actions.add_reply(
        ticket=ticket,
        author=sam,
        body="Customer runs an outdated firewall module; escalate to the server team.",
        internal=True,
    )
    return ticket


@pytest.fixture
def payment(bob, billing):
    return actions.open_ticket(
        customer=bob,
        department=billing,
        subject="Konfirmasi pembayaran INV-3107",
        body="Saya sudah bayar lewat transfer bank, bukti transfer terlampir.",
    )
